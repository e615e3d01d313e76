import { resolve } from "node:path";
import { SluiceError } from "../../core/errors.js";
import { type DestinationOptionsBase, type DestinationRegistration, optionText } from "../registration.js";
import { type FileFormat, filesystemDestination } from "./filesystem-destination.js";
import { isBucketUrl } from "./filesystem-paths.js";

export {
  FILESYSTEM_CAPABILITIES,
  type FileFormat,
  type FilesystemDestinationOptions,
  filesystemDestination,
} from "./filesystem-destination.js";

const BUCKET_URL_ENV = "DESTINATION__FILESYSTEM__BUCKET_URL";

/** The filesystem destination's own key in destination options. */
export interface FilesystemOptions {
  bucket_url?: string;
  bucketUrl?: string;
  format?: string;
}

/**
 * The bucket: a `file://` destination URL, else `bucket_url` from `options.filesystem` or
 * `options.bucket_url` (`--bucket-url`), else DESTINATION__FILESYSTEM__BUCKET_URL; `format` is parquet
 * (the default) or jsonl.
 */
function settings(
  options: DestinationOptionsBase,
  env: NodeJS.ProcessEnv,
): { bucketUrl: string; format: FileFormat } {
  const own = (options["filesystem"] ?? {}) as FilesystemOptions;
  const url = optionText(options.url);
  const bucketUrl =
    (url?.startsWith("file:") ? url : undefined) ??
    optionText(own.bucket_url) ??
    optionText(own.bucketUrl) ??
    optionText(options.bucket_url) ??
    optionText(options["bucketUrl"]) ??
    optionText(env[BUCKET_URL_ENV]);
  if (bucketUrl === undefined)
    throw new SluiceError("The filesystem destination needs a bucket_url", {
      code: "CONFIG_DESTINATION",
      hint: `Pass --bucket-url <dir or file:// URL> (or --destination file:///abs/dir), or set ${BUCKET_URL_ENV}.`,
    });
  const format = optionText(own.format) ?? optionText(options.format) ?? "parquet";
  if (format !== "parquet" && format !== "jsonl")
    throw new SluiceError(`Unknown filesystem format "${format}"`, {
      code: "CONFIG_DESTINATION",
      hint: "Use parquet (the default) or jsonl.",
    });
  return { bucketUrl, format };
}

export const filesystemRegistration: DestinationRegistration = {
  name: "filesystem",
  aliases: ["file"],
  create: (options) => filesystemDestination(settings(options, process.env)),
  run(options, place) {
    const { bucketUrl, format } = settings(options, place.env);
    const bucket_url = isBucketUrl(bucketUrl) ? bucketUrl : resolve(place.cwd, bucketUrl);
    return {
      destination: filesystemDestination({ bucketUrl: bucket_url, format }),
      record: { bucket_url, format },
    };
  },
  reopen: (record) =>
    filesystemDestination({
      bucketUrl: optionText(record["bucket_url"]) ?? ".",
      ...(record["format"] === "jsonl" ? { format: "jsonl" } : {}),
    }),
};
