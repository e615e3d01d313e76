import { SluiceError } from "../../core/errors.js";
import type { DataRecord } from "../../core/json.js";
import type { EndpointResource, ResourceDefaults } from "./config-types.js";
import { type MergedResource, mergeResource } from "./defaults.js";
import { readPath } from "./field-path.js";
import { type CompiledEndpoint, compileEndpoint } from "./request-template.js";

/** One resource ready to run: merged config, compiled endpoint, and its parent if it is a child. */
export interface ResourcePlan {
  resource: MergedResource;
  endpoint: CompiledEndpoint;
  parent: string | undefined;
  /** Config path of the resource, e.g. `resources[2]`. */
  at: string;
}

/**
 * Expands, merges and compiles every resource, then links children to parents. The resources are those
 * of a checked config: the config rules (`checkConfig`) have made sure names are unique, each child has
 * one known parent and no resource depends on itself. Plans come back parents first (a stable
 * topological order), so a runner may start them in order.
 */
export function planResources(
  resources: ReadonlyArray<string | EndpointResource>,
  defaults: ResourceDefaults | undefined,
): ResourcePlan[] {
  const plans = resources.map((raw, index): ResourcePlan => {
    const resource = mergeResource(raw, defaults, index);
    const endpoint = compileEndpoint(resource.endpoint);
    return { resource, endpoint, parent: endpoint.parentRefs[0]?.resource, at: `resources[${index}]` };
  });
  const byName = new Map(plans.map((plan) => [plan.resource.name, plan]));
  const out: ResourcePlan[] = [];
  const placed = new Set<ResourcePlan>();
  const place = (plan: ResourcePlan): void => {
    if (placed.has(plan)) return;
    placed.add(plan);
    const parent = plan.parent === undefined ? undefined : byName.get(plan.parent);
    if (parent) place(parent);
    out.push(plan);
  };
  for (const plan of plans) place(plan);
  return out;
}

/** dlt's name for a parent field copied into child records. */
export function parentColumnName(parent: string, field: string): string {
  return `_${parent}_${field}`;
}

/** Copies `include_from_parent` fields into each child record as `_<parent>_<field>`. */
export function includeFromParent(
  child: string,
  records: DataRecord[],
  parentName: string,
  parentRecord: DataRecord,
  fields: readonly string[],
): DataRecord[] {
  if (fields.length === 0) return records;
  const extra: DataRecord = {};
  for (const f of fields) {
    const { found, value } = Object.hasOwn(parentRecord, f)
      ? { found: true, value: parentRecord[f] }
      : readPath(parentRecord, f);
    if (!found)
      throw new SluiceError(
        `resource "${child}": include_from_parent field "${f}" is missing from a record of "${parentName}" (fields: ${Object.keys(parentRecord).join(", ")})`,
        { code: "PARENT_FIELD_MISSING", hint: "fix include_from_parent or the parent's data_selector" },
      );
    extra[parentColumnName(parentName, f)] = value;
  }
  return records.map((r) => ({ ...r, ...extra }));
}

/** dlt's guess that a path ending in a placeholder (`/users/{id}`) returns one entity, not a list. */
export function isSingleEntityPath(ep: CompiledEndpoint): boolean {
  const segs = ep.path[ep.path.length - 1] === "/" ? ep.path.slice(0, -1) : ep.path;
  const last = segs[segs.length - 1];
  const before = segs[segs.length - 2];
  return (
    typeof last === "object" && (before === undefined || (typeof before === "string" && before.endsWith("/")))
  );
}
