import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SluiceError } from "../core/errors.js";

/**
 * One run per working dir at a time: two runs would both complete the same pending package. The lock file
 * holds the owner's pid; a lock left by a killed process (pid gone) is taken over.
 */
export function acquireRunLock(workingDir: string, pipelineName: string): () => void {
  mkdirSync(workingDir, { recursive: true });
  const file = join(workingDir, "run.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: "wx" });
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const owner = Number(readFileSync(file, "utf8").trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isProcessAlive(owner))
        throw new SluiceError(`Pipeline "${pipelineName}" is already running (pid ${owner})`, {
          code: "PIPELINE_BUSY",
          hint: `Wait for it to finish, or delete ${file} if that process is not a sluice run.`,
        });
      rmSync(file, { force: true });
    }
  }
  throw new SluiceError(`Could not lock pipeline "${pipelineName}" (${file})`, {
    code: "PIPELINE_BUSY",
    hint: "Another run is starting at the same moment; try again.",
  });
}

/**
 * Removes the lock if this process holds it. For a process about to exit at once (a second Ctrl-C) that
 * cannot wait for the run to unwind and release it.
 */
export function releaseOwnRunLock(workingDir: string): void {
  const file = join(workingDir, "run.lock");
  try {
    if (Number(readFileSync(file, "utf8").trim()) === process.pid) rmSync(file, { force: true });
  } catch {
    // No lock (never taken, or already released): nothing to do.
  }
}

/** Whether a process with this pid exists (EPERM: it does, owned by another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
