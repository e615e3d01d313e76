import type { DestinationOptionsBase } from "../destinations/registration.js";

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
