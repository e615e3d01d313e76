import { join } from "node:path";
import { SluiceError } from "../../core/errors.js";
import type { DataRecord, JsonObject } from "../../core/json.js";
import { parseJson } from "../../core/json-parse.js";
import { readNdjsonLines } from "../../core/ndjson-files.js";
import type { LoadPackage, PackageTable, PipelineState } from "../../load/package.js";
import type { StoredSchema } from "../../schema/types.js";
import { readJsonFile } from "../atomic-file.js";
import { crashPoint } from "../crash-points.js";
import { loadPackage } from "../load-stage.js";
import { PackageNormalizer } from "../normalize-stage.js";
import { PARTITION_SCHEMA, type PartitionResult } from "./extract-partition.js";
import type { RunPlan } from "./partition-plan.js";
import type { RunBase } from "./plan-run.js";
import { BASE_FILE, type PartitionRunContext, runResources } from "./run-context.js";
import { mergePartitionSchemas } from "./schema-merge.js";
import { mergeResourceStates } from "./state-merge.js";

export interface PartitionLoadOutcome {
  loadId: string;
  /** False when this load id was already committed (a retried or replayed load): nothing was loaded twice. */
  committed: boolean;
  rowCounts: Record<string, number>;
  /** Why the partitions were normalized again in the load, when their schemas disagreed. */
  renormalized?: string;
  ms: number;
}

/**
 * The one load of a scaled-out run: the partitions' schemas united (or, when they disagree, every record
 * normalized again in partition order), their incremental states merged, and every partition's files
 * committed in one destination transaction with the `_sluice_loads` row and the state. The load id is
 * checked in the destination first and again inside the transaction, so a retried activity, a replayed
 * workflow or a second worker never loads a row twice; a run planned before another one committed is refused.
 */
export async function loadPartitions(
  ctx: PartitionRunContext,
  plan: RunPlan,
  keys: readonly string[],
): Promise<PartitionLoadOutcome> {
  const started = performance.now();
  const base = (await ctx.storage.readRunFile(plan.runKey, BASE_FILE)) as unknown as RunBase | null;
  const parts: Array<{ result: PartitionResult; dir: string; schema: StoredSchema }> = [];
  for (const key of keys) {
    const sealed = await ctx.storage.open(plan.runKey, key);
    const schema = sealed === null ? null : readJsonFile<StoredSchema>(join(sealed.dir, PARTITION_SCHEMA));
    if (base === null || sealed === null || schema === null)
      throw new SluiceError(`run ${plan.runKey}: partition ${key} is missing from ${ctx.storage.location}`, {
        code: "PARTITION_STORAGE",
        hint: "Every worker must reach the same partition storage (--storage); start the run again.",
      });
    parts.push({ result: sealed.result as unknown as PartitionResult, dir: sealed.dir, schema });
  }
  const baseSchema: StoredSchema = base!.schema ?? {
    name: plan.pipelineName,
    version: 0,
    version_hash: "",
    tables: {},
  };
  const merged = mergePartitionSchemas(
    baseSchema,
    parts.map((p) => p.schema),
  );
  let schema: StoredSchema;
  let tables: PackageTable[];
  let renormalized: string | undefined;
  if ("schema" in merged) {
    schema = merged.schema;
    tables = uniteTables(parts);
  } else {
    renormalized = merged.conflict;
    ctx.logger.info(
      `partitions disagree on the schema (${merged.conflict}): normalizing their records again, in order`,
    );
    ({ schema, tables } = await renormalize(ctx, plan, base!, parts));
  }
  const { byName } = runResources(ctx);
  const state: PipelineState = {
    pipeline_name: plan.pipelineName,
    version: plan.nextVersion,
    resources: mergeResourceStates(
      base!.state.resources as Record<string, JsonObject>,
      parts.map((p) => p.result.states),
      byName,
    ),
  };
  const pkg: LoadPackage = { loadId: plan.loadId, schema, tables, state };
  const rowCounts: Record<string, number> = {};
  for (const t of tables) if (t.rowCount > 0) rowCounts[t.table] = t.rowCount;

  const client = await ctx.pipeline.destinationClient();
  try {
    if (await client.isLoaded(plan.loadId))
      return { loadId: plan.loadId, committed: false, rowCounts, ms: performance.now() - started };
    const now = (await client.restore())?.state.version ?? 0;
    if (now !== plan.baseVersion)
      throw new SluiceError(
        `pipeline "${plan.pipelineName}": another load committed (state version ${now}) after this run started from version ${plan.baseVersion}`,
        {
          code: "LOAD_SUPERSEDED",
          hint: "Two runs of one pipeline overlapped; nothing of this one was loaded. Run it again: it starts from the newer state.",
        },
      );
    const outcome = await loadPackage(client, pkg, ctx.logger, { beforeCommit: () => crashPoint("load") });
    crashPoint("committed");
    return {
      loadId: plan.loadId,
      committed: outcome.committed,
      rowCounts,
      ...(renormalized === undefined ? {} : { renormalized }),
      ms: performance.now() - started,
    };
  } finally {
    await client.close();
  }
}

/** Each table's files from every partition, in partition order. */
function uniteTables(parts: ReadonlyArray<{ result: PartitionResult; dir: string }>): PackageTable[] {
  const byTable = new Map<string, PackageTable>();
  for (const { result, dir } of parts)
    for (const t of result.tables) {
      const have = byTable.get(t.table) ?? { table: t.table, files: [], rowCount: 0 };
      have.files.push(...t.files.map((f) => join(dir, f)));
      have.rowCount += t.rowCount;
      byTable.set(t.table, have);
    }
  return [...byTable.values()];
}

/** Every partition's raw records through one normalizer, in partition order: what one machine would have made. */
async function renormalize(
  ctx: PartitionRunContext,
  plan: RunPlan,
  base: RunBase,
  parts: ReadonlyArray<{ result: PartitionResult; dir: string }>,
): Promise<{ schema: StoredSchema; tables: PackageTable[] }> {
  const dir = await ctx.storage.workDir(plan.runKey, "_load");
  const normalizer = new PackageNormalizer({
    packageDir: dir,
    loadId: plan.loadId,
    schema: base.schema,
    schemaName: plan.pipelineName,
    maxIdentifierLength: ctx.pipeline.destination.capabilities.maxIdentifierLength,
    fileStem: `l${Date.now().toString(36)}t`,
  });
  try {
    for (const { result, dir: partDir } of parts) {
      for (const [resource, hints] of result.normalized) {
        normalizer.open(resource, hints);
        for (const file of result.raw[resource]?.files ?? [])
          for await (const lines of readNdjsonLines(join(partDir, file)))
            normalizer.write(
              resource,
              lines.map((l) => parseJson(l) as DataRecord),
            );
      }
    }
  } catch (err) {
    normalizer.close();
    throw err;
  }
  const done = normalizer.finish();
  return {
    schema: done.schema,
    tables: done.tables.map((t) => ({ ...t, files: t.files.map((f) => join(dir, f)) })),
  };
}
