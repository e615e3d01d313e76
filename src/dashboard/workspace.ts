import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { SluiceError } from "../core/errors.js";
import { type Logger, silentLogger } from "../core/logger.js";
import type { DestinationOptionsBase } from "../destinations/registration.js";
import { readDestinationRecord } from "../pipeline/destination-record.js";
import { openExistingPipeline } from "../pipeline/open-existing.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import { type RunTrace, runIds, runPath, settled } from "../pipeline/run-history.js";

export interface WorkspaceOptions {
  pipelinesDir: string;
  /** Where relative destination paths (a DuckDB file) resolve, and secrets are looked up: the project dir. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Destination options a run would get from its flags (e.g. `--credentials`). */
  destinationOptions?: DestinationOptionsBase;
  logger?: Logger;
}

/**
 * The pipelines dir as the dashboard sees it: pipeline names, their working dirs, pipelines opened for
 * inspection, and run records read once per change (a list of a hundred runs re-reads only what moved).
 */
export class Workspace {
  private readonly cache = new Map<string, { mtimeMs: number; size: number; trace: RunTrace }>();

  constructor(readonly options: WorkspaceOptions) {}

  get dir(): string {
    return this.options.pipelinesDir;
  }

  names(): string[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((n) => !n.startsWith(".") && isDir(join(this.dir, n)))
      .sort();
  }

  workingDir(name: string): string {
    if (!/^[^/\\]+$/.test(name) || name === "." || name === ".." || !isDir(join(this.dir, name)))
      throw new SluiceError(`No pipeline named "${name}" in ${this.dir}`, {
        code: "NOT_FOUND",
        hint: "run it first (`sluice run <config>`), or start the dashboard with the --pipelines-dir it ran with",
      });
    return join(this.dir, name);
  }

  open(name: string): Pipeline {
    this.workingDir(name);
    return openExistingPipeline(name, {
      pipelinesDir: this.dir,
      options: this.options.destinationOptions ?? {},
      cwd: this.options.cwd,
      env: this.options.env,
      logger: this.options.logger ?? silentLogger,
    });
  }

  destinationName(name: string): string {
    return readDestinationRecord(this.workingDir(name))?.name ?? "duckdb";
  }

  runIds(name: string): string[] {
    return runIds(this.workingDir(name));
  }

  /** A run record, re-read only when its file changed; a `running` one whose process is gone is interrupted. */
  run(name: string, id: string): RunTrace | undefined {
    if (!/^[\w.-]+$/.test(id)) return undefined;
    const file = runPath(this.workingDir(name), id);
    let st: { mtimeMs: number; size: number };
    try {
      st = statSync(file);
    } catch {
      return undefined;
    }
    const hit = this.cache.get(file);
    if (hit !== undefined && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return settled(hit.trace);
    let trace: RunTrace;
    try {
      trace = JSON.parse(readFileSync(file, "utf8")) as RunTrace;
    } catch {
      // Replaced while read: the previous copy stands until the next look.
      return hit === undefined ? undefined : settled(hit.trace);
    }
    trace.id ??= id;
    this.cache.set(file, { mtimeMs: st.mtimeMs, size: st.size, trace });
    return settled(trace);
  }

  runs(name: string): RunTrace[] {
    return this.runIds(name).flatMap((id) => this.run(name, id) ?? []);
  }

  latestRun(name: string): RunTrace | undefined {
    for (const id of this.runIds(name)) {
      const run = this.run(name, id);
      if (run !== undefined) return run;
    }
    return undefined;
  }

  /** The run whose loads include `loadId`, among the kept runs. */
  runOfLoad(name: string): (loadId: string) => string | undefined {
    const byLoad = new Map<string, string>();
    for (const run of this.runs(name))
      for (const id of run.load_ids) if (!byLoad.has(id)) byLoad.set(id, run.id);
    return (loadId) => byLoad.get(loadId);
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
