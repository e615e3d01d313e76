import type { DestinationOptionsBase } from "../destinations/registration.js";

/**
 * A run as the CLI hands it to Temporal: everything a worker needs to build the same pipeline and source,
 * and nothing secret (it is kept in the workflow's history). Secrets and destination credentials are
 * looked up on the worker, from its environment and `.sluice/secrets.toml`.
 */
export interface RunInput {
  pipelineName: string;
  /** The config file: its absolute path, and its text when it is a data file (so any worker can read it). */
  config: { file: string; text?: string };
  /** Where `sluice run` was started: relative paths (a DuckDB file, secrets) resolve against it. */
  cwd: string;
  /** A destination name or a URL without credentials. */
  destination: string;
  destinationOptions: DestinationOptionsBase;
  datasetName?: string;
  resources?: string[];
  fullRefresh?: boolean;
  pagesPerPartition?: number;
  parentBatch?: number;
  /** How soon a silent worker counts as dead and its partition moves on (default 10 s). */
  heartbeatTimeoutMs?: number;
  /** Partitions one workflow runs before fanning out through child workflows (default 500). */
  partitionsPerWorkflow?: number;
}

/** What a finished run reports: what `sluice run` prints as its summary. */
export interface RunOutcome {
  loadId: string;
  committed: boolean;
  rowCounts: Record<string, number>;
  records: Record<string, number>;
  partitions: number;
  pages: number;
  requests: number;
  retries: number;
  /** Partitions that took more than one attempt, and those that resumed from a checkpoint. */
  retriedPartitions: number;
  resumedPartitions: number;
  renormalized?: string;
  extractMs: number;
  loadMs: number;
}

/** What the workflow answers to the `progress` query while it runs. */
export interface RunProgress {
  phase: "plan" | "extract" | "load" | "done";
  partitions: number;
  done: number;
  records: Record<string, number>;
  pages: number;
  requests: number;
}
