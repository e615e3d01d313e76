import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { SluiceError } from "../core/errors.js";
import { duckdb } from "../destinations/duckdb/index.js";
import { filesystemDestination } from "../destinations/filesystem/filesystem-destination.js";
import { postgresDestination } from "../destinations/postgres/postgres-destination.js";
import type { Destination } from "../destinations/types.js";
import { UsageError } from "./report-error.js";

/**
 * How to reach a pipeline's destination again, kept in its working dir by `sluice run` so `sluice
 * pipeline <name> …` finds the data without the flags. Never holds credentials: postgres credentials
 * come from `--credentials` or the environment each time.
 */
export interface DestinationRecord {
  name: "duckdb" | "postgres" | "filesystem";
  /** duckdb: absolute database file. */
  path?: string;
  /** filesystem: the bucket folder or URL. */
  bucket_url?: string;
  dataset_name?: string;
}

export const DESTINATION_RECORD = "cli-destination.json";

/**
 * `--destination` (a name or a URL), `--credentials` and `--bucket-url` → a destination. Names:
 * `duckdb` (credentials = database file), `postgres` (credentials = connection URL), `filesystem`
 * (bucket URL = folder). URLs: `duckdb:///path.duckdb`, `postgresql://…`, `file:///dir`.
 */
export function destinationRecordFromFlags(
  spec: string,
  flags: { credentials?: string | undefined; bucketUrl?: string | undefined },
  pipelineName: string,
  cwd: string,
): { record: DestinationRecord; credentials?: string } {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(spec)?.[1]?.toLowerCase();
  const name = scheme ?? spec.toLowerCase();
  if (name === "duckdb") {
    const path = scheme ? spec.replace(/^duckdb:\/\//i, "") : flags.credentials;
    return { record: { name: "duckdb", path: resolve(cwd, path || `${pipelineName}.duckdb`) } };
  }
  if (name === "postgres" || name === "postgresql") {
    const url = scheme ? spec : flags.credentials;
    return { record: { name: "postgres" }, ...(url ? { credentials: url } : {}) };
  }
  if (name === "filesystem" || name === "file") {
    const bucket = scheme ? spec : flags.bucketUrl;
    if (!bucket)
      throw new UsageError(
        "The filesystem destination needs a folder",
        "pass --bucket-url <dir> (or --destination file:///abs/dir)",
      );
    return { record: { name: "filesystem", bucket_url: scheme ? bucket : resolve(cwd, bucket) } };
  }
  throw new SluiceError(`Unknown destination "${scheme ? `${scheme}://…` : spec}"`, {
    code: "CONFIG_DESTINATION",
    hint: "use duckdb, postgres, filesystem, or a duckdb:///…, postgresql://… or file:///… URL",
  });
}

export function destinationFromRecord(record: DestinationRecord, credentials?: string): Destination {
  if (record.name === "duckdb") return duckdb(record.path ? { path: record.path } : {});
  if (record.name === "postgres") return postgresDestination(credentials ? { credentials } : {});
  return filesystemDestination({ bucketUrl: record.bucket_url ?? "." });
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
