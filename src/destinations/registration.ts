import type { Destination } from "./types.js";

/**
 * What a destination named by a string is built from: its own key (`duckdb`, `postgres`, `filesystem`,
 * or a registered destination's name) and the shared keys the CLI fills from its flags. A destination
 * ignores the keys it does not know.
 */
export interface DestinationOptionsBase {
  /** `--credentials`: a PostgreSQL connection URL, or a DuckDB database file. */
  credentials?: string;
  /** `--bucket-url`: the filesystem destination's folder or `file://` URL. */
  bucket_url?: string;
  /** `--file-format`: the filesystem destination's file format. */
  format?: string;
  /** The destination's URL, when it was named by one (`postgresql://…`, `duckdb:///x.duckdb`, `file:///dir`). */
  url?: string;
  [name: string]: unknown;
}

export type DestinationFactory = (options: DestinationOptionsBase) => Destination;

/** Where a CLI command runs: what a destination's relative paths and environment lookups are taken against. */
export interface DestinationPlace {
  pipelineName: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/**
 * How to reach a run's destination again, kept in the pipeline's working dir (`cli-destination.json`) so
 * `sluice pipeline <name> …` finds the data without the flags: the destination's name and the fields its
 * registration records. Never a password.
 */
export interface DestinationRecord {
  name: string;
  dataset_name?: string;
  [field: string]: unknown;
}

/** A destination as a name: how it is built, and how the CLI records it and reopens it. */
export interface DestinationRegistration {
  /** The name `--destination` and `pipeline({ destination })` take. */
  readonly name: string;
  /** Other names for it, as a bare name or as a URL scheme (`postgresql://…`). */
  readonly aliases?: readonly string[];
  /** The destination from its options and the environment. */
  create: DestinationFactory;
  /**
   * `sluice run`: the destination, relative paths taken against the command's directory, and the fields
   * to record (not `name`). Without it, a run records the name alone and is reopened with `create`.
   */
  run?(
    options: DestinationOptionsBase,
    place: DestinationPlace,
  ): { destination: Destination; record: Record<string, unknown> };
  /** `sluice pipeline <name> …`: the destination a run recorded; `options` are what that command was given. */
  reopen?(record: DestinationRecord, options: DestinationOptionsBase, place: DestinationPlace): Destination;
}

/** An option that holds text; an empty string counts as not given. */
export function optionText(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
