import { type ChildProcess, spawn } from "node:child_process";
import { CLI_ENTRY, REPO, TSX_LOADER } from "./demo-cli.js";

/** A `sluice worker` process started by a test, with its output kept for failure messages. */
export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  output(): string;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
}

export interface WorkerPool {
  workers: WorkerProcess[];
  /** Starts one more worker, resolved once it polls. */
  add(extraEnv?: Record<string, string>): Promise<WorkerProcess>;
  /** SIGKILL: the way a machine or an OOM kill ends a worker, with no chance to clean up. */
  kill(worker: WorkerProcess): Promise<void>;
  stopAll(): Promise<void>;
}

/**
 * Worker processes from the sources (`node --import tsx … worker`), all on one partition storage, as
 * workers on several machines would share a mount. Each is resolved once it logs that it polls.
 */
export function workerPool(options: {
  address: string;
  storage: string;
  pipelinesDir: string;
  concurrency?: number;
  env?: Record<string, string>;
}): WorkerPool {
  const workers: WorkerProcess[] = [];
  const add = (extraEnv: Record<string, string> = {}): Promise<WorkerProcess> => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        TSX_LOADER,
        CLI_ENTRY,
        "worker",
        "--temporal",
        options.address,
        "--storage",
        options.storage,
        "--pipelines-dir",
        options.pipelinesDir,
        "--concurrency",
        String(options.concurrency ?? 2),
      ],
      {
        cwd: REPO,
        env: { ...process.env, NO_COLOR: "1", ...options.env, ...extraEnv },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const worker: WorkerProcess = { child, pid: child.pid ?? -1, output: () => out, exited };
    workers.push(worker);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker did not start in 60 s:\n${out}`)), 60_000);
      const onData = (d: Buffer) => {
        out += d.toString("utf8");
        if (out.includes("worker ready")) {
          clearTimeout(timer);
          resolve(worker);
        }
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", onData);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`worker exited (${code}) before it was ready:\n${out}`));
      });
    });
  };
  const kill = async (w: WorkerProcess) => {
    w.child.kill("SIGKILL");
    await w.exited;
  };
  return {
    workers,
    add,
    kill,
    async stopAll() {
      await Promise.all(
        workers.map(async (w) => {
          if (w.child.exitCode !== null || w.child.signalCode !== null) return;
          w.child.kill("SIGTERM");
          const t = setTimeout(() => w.child.kill("SIGKILL"), 15_000);
          await w.exited;
          clearTimeout(t);
        }),
      );
    },
  };
}
