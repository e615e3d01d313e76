import type { RequestRecord } from "../core/resource.js";

/** What one `run` did: returned to callers and printed by the CLI. */
export interface PackageInfo {
  loadId: string;
  /** True for a package left pending by an earlier, interrupted run and completed by this one. */
  resumed: boolean;
  /** False when the destination already held this load (crash after commit): nothing was loaded twice. */
  committed: boolean;
  /** Rows per table in this package (child tables included). */
  rowCounts: Record<string, number>;
  records: number;
}

export interface StageTimings {
  extractMs: number;
  normalizeMs: number;
  loadMs: number;
  totalMs: number;
}

export interface LoadInfo {
  pipelineName: string;
  datasetName: string;
  destination: { name: string; location: string };
  /** Every package this run committed or completed, oldest first. */
  loadIds: string[];
  packages: PackageInfo[];
  /** Rows per table across all packages of this run. */
  rowCounts: Record<string, number>;
  /** Records extracted per resource by this run's new package. */
  records: Record<string, number>;
  timings: StageTimings;
}

export type Stage = "extract" | "normalize" | "load";

/** Progress for live displays; the pipeline never prints. */
export type ProgressEvent =
  | { type: "stage_start"; stage: Stage; loadId: string }
  | { type: "stage_end"; stage: Stage; loadId: string; ms: number }
  | { type: "extract_records"; loadId: string; resource: string; records: number }
  | { type: "normalize_records"; loadId: string; records: number }
  /** A closed package file of `table` is in the destination's open transaction while extraction goes on. */
  | { type: "load_chunk"; loadId: string; table: string }
  /** A page request or a retried attempt of `resource` (URL masked). */
  | { type: "request"; loadId: string; resource: string; request: RequestRecord }
  /** Normalization moved to a second thread after this many records of the package. */
  | { type: "normalize_thread"; loadId: string; records: number };
