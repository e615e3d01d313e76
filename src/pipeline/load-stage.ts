import type { Logger } from "../core/logger.js";
import { LoadAlreadyCommitted } from "../destinations/load-error.js";
import type { DestinationClient, StreamingLoad } from "../destinations/types.js";
import type { LoadPackage } from "../load/package.js";

export interface LoadOutcome {
  loadId: string;
  /** False when the destination already had this load (a crash after commit): it is not loaded twice. */
  committed: boolean;
  ms: number;
}

/**
 * Hands one normalized package to the destination, exactly once: a load id the destination already
 * recorded is skipped, so a rerun after a crash between commit and bookkeeping loads nothing twice.
 */
export async function loadPackage(
  client: DestinationClient,
  pkg: LoadPackage,
  logger: Logger,
  hooks: { beforeCommit?: () => void } = {},
): Promise<LoadOutcome> {
  const started = performance.now();
  if (await client.isLoaded(pkg.loadId)) {
    logger.info(`load ${pkg.loadId} was already committed; skipping it`, { load_id: pkg.loadId });
    return { loadId: pkg.loadId, committed: false, ms: performance.now() - started };
  }
  hooks.beforeCommit?.();
  try {
    await client.commitPackage(pkg);
  } catch (err) {
    if (!(err instanceof LoadAlreadyCommitted)) throw err;
    logger.info(`load ${pkg.loadId} was committed by another process meanwhile; skipping it`, {
      load_id: pkg.loadId,
    });
    return { loadId: pkg.loadId, committed: false, ms: performance.now() - started };
  }
  return { loadId: pkg.loadId, committed: true, ms: performance.now() - started };
}

/**
 * Commits a package whose files were loaded while it was extracted (one transaction held open), with
 * the rest of it. Undefined when that transaction was refused or rolled back: nothing of it is visible,
 * and the caller loads the package the ordinary way, which reports a refusal as it always has.
 */
export async function commitStreamed(
  streaming: StreamingLoad,
  pkg: LoadPackage,
  logger: Logger,
  hooks: { beforeCommit?: () => void } = {},
): Promise<LoadOutcome | undefined> {
  const started = performance.now();
  if (await streaming.commit(pkg, hooks)) {
    logger.debug("package committed with its files loaded during extraction", {
      load_id: pkg.loadId,
      streamed_ms: Math.round(streaming.streamedMs),
    });
    return { loadId: pkg.loadId, committed: true, ms: performance.now() - started };
  }
  logger.debug("overlapped load not committed: loading the package the ordinary way", {
    load_id: pkg.loadId,
  });
  return undefined;
}
