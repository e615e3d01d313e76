import type { DataRecord } from "../core/json.js";
import type { Resource, ResourceContext, ResourceItem, Source } from "../core/resource.js";
import { PAGE_LOG_LIMIT, type ProgressReporter } from "./progress.js";

/**
 * Wraps each resource so the CLI sees its progress without the pipeline knowing about terminals: the
 * metrics object the source fills in is observed, and records are counted as they pass.
 */
export function instrumentSource(
  source: Source,
  progress: ProgressReporter,
  onBatch?: (resource: string, records: number) => void,
): Source {
  return {
    name: source.name,
    resources: source.resources.map((r) => instrument(r, progress, onBatch)),
    ...(source.concurrency === undefined ? {} : { concurrency: source.concurrency }),
  };
}

function instrument(
  resource: Resource,
  progress: ProgressReporter,
  onBatch: ((resource: string, records: number) => void) | undefined,
): Resource {
  return {
    name: resource.name,
    hints: resource.hints,
    ...(resource.parent === undefined ? {} : { parent: resource.parent }),
    read(ctx: ResourceContext, parentRecord?: DataRecord): AsyncIterable<ResourceItem> {
      const entry = progress.resource(resource.name);
      if (!entry.sources.includes(ctx.metrics)) entry.sources.push(ctx.metrics);
      const inner = resource.read(ctx, parentRecord);
      return {
        async *[Symbol.asyncIterator]() {
          for await (const item of inner) {
            if (Array.isArray(item)) {
              onBatch?.(resource.name, item.length);
              entry.seenBatches++;
              entry.seenRecords += item.length;
              if (entry.pageLog.length < PAGE_LOG_LIMIT)
                entry.pageLog.push({
                  page: entry.seenBatches,
                  records: item.length,
                  at_ms: Math.round(progress.elapsed(entry)),
                });
            } else entry.seenRecords++;
            yield item;
          }
          // A child is read once per parent record; it is done when the extract stage ends.
          if (resource.parent === undefined) progress.finish(resource.name);
        },
      };
    },
  };
}
