import { join } from "node:path";
import { memoryLogger } from "../../../src/core/logger.js";
import { resolveDestination } from "../../../src/destinations/registry.js";
import type { Destination, DestinationClient, DestinationContext } from "../../../src/destinations/types.js";
import type { PipelineOptions } from "../../../src/pipeline/index.js";

/**
 * One destination under test: the pipeline options that name it (resolved through the registry, as a
 * config or the CLI names it) for a sandbox directory, and what it is expected to support.
 */
export interface DestinationTarget {
  /** The registered destination name, as errors and summaries print it. */
  name: string;
  /** Test titles: the name, or the setup when a destination runs in several. */
  label: string;
  merge: boolean;
  transactional: boolean;
  options(dir: string, pgUrl: () => string): Pick<PipelineOptions, "destination" | "destination_options">;
}

/**
 * Every destination the conformance suites run on: the destination contract through its client
 * (client-conformance), the same sources through `pipeline(...)` (conformance, empty tables). A new
 * destination is one entry here.
 */
export const CONFORMANCE_TARGETS: DestinationTarget[] = [
  {
    name: "duckdb",
    label: "duckdb",
    merge: true,
    transactional: true,
    options: (dir) => ({
      destination: "duckdb",
      destination_options: { duckdb: { path: join(dir, "conf.duckdb") } },
    }),
  },
  {
    name: "postgres",
    label: "postgres",
    merge: true,
    transactional: true,
    options: (_dir, pgUrl) => ({
      destination: "postgres",
      destination_options: { postgres: { credentials: pgUrl() } },
    }),
  },
  {
    name: "filesystem",
    label: "filesystem",
    merge: true,
    transactional: false,
    options: (dir) => ({
      destination: "filesystem",
      destination_options: { filesystem: { bucket_url: join(dir, "bucket") } },
    }),
  },
  {
    name: "filesystem",
    label: "filesystem (jsonl)",
    merge: true,
    transactional: false,
    // The shared keys `--bucket-url` and `--file-format` fill, and a file:// URL.
    options: (dir) => ({
      destination: "filesystem",
      destination_options: { bucket_url: `file://${join(dir, "bucket")}`, format: "jsonl" },
    }),
  },
];

/** The target's destination, resolved by name as a pipeline resolves it. */
export function makeDestination(target: DestinationTarget, dir: string, pgUrl: () => string): Destination {
  const { destination, destination_options } = target.options(dir, pgUrl);
  return resolveDestination(destination ?? "duckdb", destination_options);
}

export function contextFor(
  pipelineName: string,
  datasetName: string,
  workingDir: string,
): DestinationContext {
  return { pipelineName, datasetName, workingDir, logger: memoryLogger() };
}

export async function openClient(
  destination: Destination,
  ctx: DestinationContext,
): Promise<DestinationClient> {
  const client = await destination.connect(ctx);
  await client.initialize();
  return client;
}
