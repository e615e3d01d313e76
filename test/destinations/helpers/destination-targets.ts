import { memoryLogger } from "../../../src/core/logger.js";
import type { Destination, DestinationClient, DestinationContext } from "../../../src/destinations/types.js";

/** One destination under test: how to build it for a fresh dataset, and what it is expected to support. */
export interface DestinationTarget {
  name: string;
  make(): Destination;
  merge: boolean;
  transactional: boolean;
}

export function contextFor(
  pipelineName: string,
  datasetName: string,
  workingDir: string,
): DestinationContext {
  return { pipelineName, datasetName, workingDir, logger: memoryLogger() };
}

export async function openClient(
  target: DestinationTarget,
  ctx: DestinationContext,
): Promise<{ destination: Destination; client: DestinationClient }> {
  const destination = target.make();
  const client = await destination.connect(ctx);
  await client.initialize();
  return { destination, client };
}
