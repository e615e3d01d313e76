import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DestinationOptionsBase, DestinationRecord } from "../destinations/registration.js";

export const DESTINATION_RECORD = "cli-destination.json";

/** The flags that reach a destination; which of them a destination reads is its own business. */
export interface DestinationFlags {
  credentials?: string | undefined;
  bucketUrl?: string | undefined;
  fileFormat?: string | undefined;
}

/** `--credentials`, `--bucket-url` and `--file-format` as destination options. */
export function destinationOptions(flags: DestinationFlags): DestinationOptionsBase {
  return {
    ...(flags.credentials === undefined ? {} : { credentials: flags.credentials }),
    ...(flags.bucketUrl === undefined ? {} : { bucket_url: flags.bucketUrl }),
    ...(flags.fileFormat === undefined ? {} : { format: flags.fileFormat }),
  };
}

export function writeDestinationRecord(workingDir: string, record: DestinationRecord): void {
  mkdirSync(workingDir, { recursive: true });
  writeFileSync(join(workingDir, DESTINATION_RECORD), `${JSON.stringify(record, null, 2)}\n`);
}

export function readDestinationRecord(workingDir: string): DestinationRecord | undefined {
  const path = join(workingDir, DESTINATION_RECORD);
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, "utf8")) as DestinationRecord;
}
