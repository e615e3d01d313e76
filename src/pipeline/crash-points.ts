import { writeFileSync } from "node:fs";

/**
 * Test hooks for the exactly-once tests: `SLUICE_TEST_CRASH_AT=<point>` makes the process SIGKILL itself
 * at that point (after `SLUICE_TEST_CRASH_AFTER` hits, default 1), the way a power cut or OOM kill would.
 * Points: extract (after a resource yields), normalize (after a batch is normalized), normalized (the
 * package is complete on disk), streamed (a closed file was loaded into the open transaction during
 * extraction), load (before commit), committed (after commit, before the package is
 * marked loaded). Unset in normal use: one env lookup per call.
 */
const target = process.env["SLUICE_TEST_CRASH_AT"];
/** When set, only the first process to reach the point dies (it creates this file): workers share one crash. */
const onceFile = process.env["SLUICE_TEST_CRASH_ONCE"];
let hits = 0;

export type CrashPoint =
  | "extract"
  | "normalize"
  | "streamed"
  | "normalized"
  | "load"
  | "committed"
  /** A partition of a scaled-out run is sealed on storage, not yet reported to Temporal. */
  | "sealed";

export function crashPoint(point: CrashPoint): void {
  if (target === undefined || target !== point) return;
  hits++;
  if (hits < Number(process.env["SLUICE_TEST_CRASH_AFTER"] ?? "1")) return;
  if (onceFile !== undefined) {
    try {
      writeFileSync(onceFile, String(process.pid), { flag: "wx" });
    } catch {
      return;
    }
  }
  process.kill(process.pid, "SIGKILL");
}
