import { readFileSync } from "node:fs";
import { runIds, runPath } from "../../src/pipeline/run-history.js";

/** The file of a pipeline's newest run record. */
export function lastRunFile(workingDir: string): string {
  const id = runIds(workingDir)[0];
  if (id === undefined) throw new Error(`no run record in ${workingDir}`);
  return runPath(workingDir, id);
}

/** The text of a pipeline's newest run record, as written (already redacted). */
export function lastRunText(workingDir: string): string {
  return readFileSync(lastRunFile(workingDir), "utf8");
}
