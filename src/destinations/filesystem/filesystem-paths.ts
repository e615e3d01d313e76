import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { SluiceError } from "../../core/errors.js";

export const LOADS_DIR = "_sluice_loads";
export const STATE_DIR = "_sluice_pipeline_state";
export const VERSION_DIR = "_sluice_version";

const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/** Whether a `bucket_url` is a URL (`file:…`, `s3://…`) rather than a directory path. */
export function isBucketUrl(bucketUrl: string): boolean {
  return bucketUrl.startsWith("file:") || URL_SCHEME.test(bucketUrl);
}

/** `bucket_url` is a directory or a `file://` URL; remote buckets are not supported (yet) and say so. */
export function bucketPath(bucketUrl: string): string {
  if (bucketUrl.startsWith("file:")) {
    try {
      return fileURLToPath(bucketUrl);
    } catch (err) {
      throw new SluiceError(`bucket_url "${bucketUrl}" is not a valid file:// URL`, {
        code: "CONFIG_DESTINATION",
        hint: "Use an absolute file URL such as file:///data/lake, or a plain directory path.",
        cause: err,
      });
    }
  }
  if (URL_SCHEME.test(bucketUrl)) {
    throw new SluiceError(
      `bucket_url "${bucketUrl}": only local directories and file:// URLs are supported`,
      {
        code: "CONFIG_DESTINATION",
        hint: "Point --bucket-url at a local directory (or a mounted bucket) instead.",
      },
    );
  }
  return isAbsolute(bucketUrl) ? bucketUrl : resolve(bucketUrl);
}

/**
 * A table or dataset name as one path segment. Normalized names are already safe; this guards the few
 * characters a file system gives meaning to, so no name can climb out of its dataset folder.
 */
export function segment(name: string): string {
  const s = name.replace(/[/\\\0%]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
  return s === "." || s === ".." || s === "" ? `%2e${s.slice(1)}` : s;
}

export function datasetDir(bucket: string, dataset: string): string {
  return join(bucket, segment(dataset));
}

export function tableDir(bucket: string, dataset: string, table: string): string {
  return join(bucket, segment(dataset), segment(table));
}

/** A data file name starts with its load id, so a load's files can be found (and removed) by prefix. */
export function dataFileName(loadId: string, n: number, ext: string): string {
  return `${segment(loadId)}.${n}.${ext}`;
}

export function loadIdOfDataFile(file: string): string | undefined {
  const m = /^(.*)\.\d+\.(parquet|jsonl)$/.exec(file);
  return m?.[1];
}

export const DATA_EXTENSIONS = /\.(parquet|jsonl)$/;
