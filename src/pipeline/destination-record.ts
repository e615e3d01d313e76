import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DestinationRecord } from "../destinations/registration.js";

/** Where a pipeline's working dir records the destination its last run loaded into (no secrets). */
export const DESTINATION_RECORD = "cli-destination.json";

export function writeDestinationRecord(workingDir: string, record: DestinationRecord): void {
  mkdirSync(workingDir, { recursive: true });
  writeFileSync(join(workingDir, DESTINATION_RECORD), `${JSON.stringify(record, null, 2)}\n`);
}

export function readDestinationRecord(workingDir: string): DestinationRecord | undefined {
  const path = join(workingDir, DESTINATION_RECORD);
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, "utf8")) as DestinationRecord;
}
