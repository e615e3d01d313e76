/**
 * What a scaled-out run is made of, as plain data: the run's plan, its partitions, and what each partition
 * reports back. Pure, with no I/O and no Node imports, because Temporal's workflow sandbox (deterministic
 * replay) plans the child partitions from it too.
 */

/** The run as the planning step fixed it: every later step works from the same committed state. */
export interface RunPlan {
  /** Names this run's files on partition storage (the workflow's id and run id). */
  runKey: string;
  /** The load id the one load of this run commits under (checked in the destination: exactly once). */
  loadId: string;
  pipelineName: string;
  /** The committed state version the partitions started from; the load refuses to commit over a newer one. */
  baseVersion: number;
  /** The state version the load commits (after a full refresh, still above every earlier one). */
  nextVersion: number;
  /** Partitions of the root resources, in order. */
  partitions: PartitionSpec[];
  /** Direct children of each root to fan out over batches of its records (only those with something written). */
  children: Record<string, string[]>;
  /** Parent records per child partition. */
  parentBatch: number;
}

interface SpecBase {
  /** Unique within the run, safe as a file name. */
  key: string;
  /** Position in the run: record sequence numbers and merge order follow it. */
  ordinal: number;
  /** The resource this partition reads (for `parents`, the child). */
  resource: string;
}

/**
 * - `resource`: a whole root resource (its total is unknown in advance, so it cannot be split).
 * - `pages`: pages [from, to) of a root resource whose first page told the total.
 * - `parents`: a child resource (and its own children) read for parent records [from, to) of one
 *   partition of its parent.
 */
export type PartitionSpec =
  | (SpecBase & { kind: "resource" })
  | (SpecBase & { kind: "pages"; from: number; to: number })
  | (SpecBase & { kind: "parents"; parent: string; source: string; from: number; to: number });

/** What a finished partition reports to the workflow (small: it is kept in the workflow's history). */
export interface PartitionSummary {
  key: string;
  /** Records per resource it wrote. */
  records: Record<string, number>;
  /** Records of the partition's root resource kept for its children, when it has any. */
  parentRecords?: number;
  pages: number;
  requests: number;
  retries: number;
  ms: number;
  /** Attempts it took (a worker died, a retried activity) and whether it resumed from a checkpoint. */
  attempt: number;
  resumed: boolean;
}

/** Progress of a running partition, sent with every heartbeat. */
export interface PartitionProgress {
  records: Record<string, number>;
  pages: number;
  requests: number;
}

/** Partitions of one child over its parent's partitions: batches of `batch` parent records, in order. */
export function childPartitions(plan: RunPlan, done: readonly PartitionSummary[]): PartitionSpec[] {
  const byKey = new Map(done.map((s) => [s.key, s]));
  const out: PartitionSpec[] = [];
  let ordinal = plan.partitions.length;
  for (const parentSpec of plan.partitions) {
    const children = plan.children[parentSpec.resource] ?? [];
    const count = byKey.get(parentSpec.key)?.parentRecords ?? 0;
    for (const child of children)
      for (let from = 0; from < count; from += plan.parentBatch) {
        const to = Math.min(count, from + plan.parentBatch);
        out.push({
          key: `${safeKey(child)}-of-${parentSpec.key}-${from}`,
          ordinal: ordinal++,
          kind: "parents",
          resource: child,
          parent: parentSpec.resource,
          source: parentSpec.key,
          from,
          to,
        });
      }
  }
  return out;
}

/** A resource name as part of a file name. */
export function safeKey(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, "_");
}
