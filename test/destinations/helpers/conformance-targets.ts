import { join } from "node:path";
import type { PipelineOptions } from "../../../src/pipeline/index.js";

/** The destinations every conformance case runs on, as pipeline options for a sandbox directory. */
export interface ConformanceTarget {
  name: "duckdb" | "postgres" | "filesystem";
  merge: boolean;
  options(dir: string, pgUrl: () => string): Partial<PipelineOptions>;
}

export const CONFORMANCE_TARGETS: ConformanceTarget[] = [
  {
    name: "duckdb",
    merge: true,
    options: (dir) => ({
      destination: "duckdb",
      destination_options: { duckdb: { path: join(dir, "conf.duckdb") } },
    }),
  },
  {
    name: "postgres",
    merge: true,
    options: (_dir, pgUrl) => ({
      destination: "postgres",
      destination_options: { postgres: { credentials: pgUrl() } },
    }),
  },
  {
    name: "filesystem",
    merge: false,
    options: (dir) => ({
      destination: "filesystem",
      destination_options: { filesystem: { bucket_url: join(dir, "bucket") } },
    }),
  },
];
