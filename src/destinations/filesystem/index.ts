import { SluiceError } from "../../core/errors.js";
import type { Destination } from "../types.js";
import { type FileFormat, filesystemDestination } from "./filesystem-destination.js";

export {
  FILESYSTEM_CAPABILITIES,
  type FileFormat,
  type FilesystemDestinationOptions,
  filesystemDestination,
} from "./filesystem-destination.js";

export const BUCKET_URL_ENV = "DESTINATION__FILESYSTEM__BUCKET_URL";

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/**
 * The registry's factory: `bucket_url` from `options.filesystem`, `options.bucket_url` (`--bucket-url`),
 * a `file://` destination URL, or DESTINATION__FILESYSTEM__BUCKET_URL; `format` is parquet or jsonl.
 */
export function filesystemFromOptions(options: Record<string, unknown>): Destination {
  const own = (options["filesystem"] ?? {}) as Record<string, unknown>;
  const url = str(options["url"]);
  const bucketUrl =
    str(own["bucket_url"]) ??
    str(own["bucketUrl"]) ??
    str(options["bucket_url"]) ??
    str(options["bucketUrl"]) ??
    (url?.startsWith("file:") ? url : undefined) ??
    str(process.env[BUCKET_URL_ENV]);
  if (bucketUrl === undefined)
    throw new SluiceError("The filesystem destination needs a bucket_url", {
      code: "DESTINATION_CONFIG",
      hint: `Pass --bucket-url <dir or file:// URL>, or set ${BUCKET_URL_ENV}.`,
    });
  const format = str(own["format"]) ?? str(options["format"]) ?? "parquet";
  if (format !== "parquet" && format !== "jsonl")
    throw new SluiceError(`Unknown filesystem format "${format}"`, {
      code: "DESTINATION_CONFIG",
      hint: "Use parquet (the default) or jsonl.",
    });
  return filesystemDestination({ bucketUrl, format: format as FileFormat });
}
