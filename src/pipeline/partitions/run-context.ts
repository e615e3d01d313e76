import type { Logger } from "../../core/logger.js";
import type { Resource } from "../../core/resource.js";
import { chooseWritten } from "../../extract/extractor.js";
import type { Pipeline } from "../pipeline.js";
import type { PartitionStorage } from "./partition-storage.js";

/** What every step of a scaled-out run works with, on whichever worker runs it. */
export interface PartitionRunContext {
  pipeline: Pipeline;
  /** Every resource of the source, unselected parents included. */
  resources: readonly Resource[];
  /** `--resources`: only these (and the parents they need) run. */
  only?: readonly string[];
  storage: PartitionStorage;
  logger: Logger;
  signal?: AbortSignal;
}

/** The resources a run writes and the ones it reads (the written and their ancestors), by name. */
export function runResources(ctx: PartitionRunContext): {
  byName: Map<string, Resource>;
  written: Set<string>;
  running: Set<string>;
} {
  const byName = new Map(ctx.resources.map((r) => [r.name, r]));
  const written = chooseWritten(ctx.resources, ctx.only);
  const running = new Set<string>();
  for (const name of written) {
    let current = byName.get(name);
    while (current !== undefined && !running.has(current.name)) {
      running.add(current.name);
      current = current.parent === undefined ? undefined : byName.get(current.parent);
    }
  }
  return { byName, written, running };
}

/** A resource and every resource below it, parents before children. */
export function subtree(resources: readonly Resource[], root: string): string[] {
  const out = [root];
  for (let i = 0; i < out.length; i++)
    for (const r of resources) if (r.parent === out[i] && !out.includes(r.name)) out.push(r.name);
  return out;
}

/** Run-wide file on partition storage: the committed schema and state every partition starts from. */
export const BASE_FILE = "base.json";
