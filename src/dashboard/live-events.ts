import { statSync } from "node:fs";
import { runPath } from "../pipeline/run-history.js";
import type { RunLive } from "./api-types.js";
import { runLive } from "./run-views.js";
import type { Workspace } from "./workspace.js";

export type LiveEvent = { event: "run"; data: RunLive } | { event: "pipelines"; data: null };

/** How often run records are looked at while someone listens: a run rewrites its record each second. */
const POLL_MS = 400;

/**
 * Turns changes of the pipelines dir into events: a run's record changed (started, progressed, ended) or
 * the set of pipelines and their last runs did. Polls the newest run record of each pipeline (one stat
 * each) only while a listener is connected; file watching is not reliable across the filesystems a
 * working dir lives on.
 */
export class LiveEvents {
  private readonly listeners = new Set<(e: LiveEvent) => void>();
  private timer: NodeJS.Timeout | undefined;
  private seen = new Map<string, string>();

  constructor(private readonly workspace: Workspace) {}

  subscribe(listener: (e: LiveEvent) => void): () => void {
    this.listeners.add(listener);
    if (this.timer === undefined) {
      this.seen = this.snapshot();
      this.timer = setInterval(() => this.poll(), POLL_MS);
      this.timer.unref();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.timer !== undefined) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  close(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }

  /** Per pipeline: its newest run, that record's mtime and size, and its status (a killed run's changes). */
  private snapshot(): Map<string, string> {
    const out = new Map<string, string>();
    for (const name of this.workspace.names()) {
      try {
        const id = this.workspace.runIds(name)[0];
        if (id === undefined) {
          out.set(name, "");
          continue;
        }
        const st = statSync(runPath(this.workspace.workingDir(name), id));
        out.set(name, `${id} ${st.mtimeMs} ${st.size} ${this.workspace.run(name, id)?.status ?? ""}`);
      } catch {
        // Removed meanwhile: gone from the next list.
      }
    }
    return out;
  }

  private poll(): void {
    const now = this.snapshot();
    let listChanged = now.size !== this.seen.size;
    for (const [name, mark] of now) {
      const before = this.seen.get(name);
      if (before === mark) continue;
      if (before === undefined || before.split(" ")[0] !== mark.split(" ")[0]) listChanged = true;
      const run = this.workspace.latestRun(name);
      if (run === undefined) continue;
      if (run.status !== "running") listChanged = true;
      this.emit({ event: "run", data: runLive(run) });
    }
    this.seen = now;
    if (listChanged) this.emit({ event: "pipelines", data: null });
  }

  private emit(e: LiveEvent): void {
    for (const l of this.listeners) l(e);
  }
}
