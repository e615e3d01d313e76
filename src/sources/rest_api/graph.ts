import { type ConfigIssue, SluiceError } from "../../core/errors.js";
import type { DataRecord } from "../../core/json.js";
import type { EndpointResource, ResourceDefaults } from "./config-types.js";
import { type MergedResource, mergeResource } from "./defaults.js";
import { readPath } from "./placeholders.js";
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
 * Expands, merges and compiles every resource, then links children to parents. A resource has at most
 * one parent; an unknown parent or a cycle is a config issue. Plans come back parents first (a stable
 * topological order), so a runner may start them in order.
 */
export function planResources(
  resources: ReadonlyArray<string | EndpointResource>,
  defaults: ResourceDefaults | undefined,
  issues: ConfigIssue[],
): ResourcePlan[] {
  const plans: ResourcePlan[] = [];
  const byName = new Map<string, ResourcePlan>();
  resources.forEach((raw, index) => {
    const at = `resources[${index}]`;
    const resource = mergeResource(raw, defaults, index);
    const endpoint = compileEndpoint(resource.endpoint, `${at}.endpoint`, issues);
    const parents = [...new Set(endpoint.parentRefs.map((p) => p.ref.resource))];
    if (parents.length > 1)
      issues.push({
        path: `${at}.endpoint`,
        message: `resource "${resource.name}" refers to several parents (${parents.join(", ")})`,
        hint: "a child resource reads fields of exactly one parent resource",
      });
    const plan: ResourcePlan = { resource, endpoint, parent: parents[0], at };
    if (byName.has(resource.name))
      issues.push({
        path: `${at}.name`,
        message: `resource "${resource.name}" is defined twice`,
        hint: "give every resource a unique name",
      });
    else byName.set(resource.name, plan);
    plans.push(plan);
  });

  for (const plan of plans) {
    if (plan.parent === undefined || byName.has(plan.parent)) continue;
    const first = plan.endpoint.parentRefs.find((p) => p.ref.resource === plan.parent);
    issues.push({
      path: first?.at ?? `${plan.at}.endpoint`,
      message: `resource "${plan.resource.name}" refers to unknown parent resource "${plan.parent}"`,
      hint: `known resources: ${[...byName.keys()].join(", ")}`,
    });
  }
  return orderParentsFirst(plans, byName, issues);
}

function orderParentsFirst(
  plans: ResourcePlan[],
  byName: Map<string, ResourcePlan>,
  issues: ConfigIssue[],
): ResourcePlan[] {
  const out: ResourcePlan[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (plan: ResourcePlan, chain: string[]): void => {
    const name = plan.resource.name;
    const s = state.get(name);
    if (s === "done") return;
    if (s === "visiting") {
      const cycle = [...chain.slice(chain.indexOf(name)), name];
      issues.push({
        path: `${plan.at}.endpoint`,
        message: `resources depend on each other in a cycle: ${cycle.join(" → ")}`,
        hint: "a child cannot be an ancestor of its own parent; remove one of the references",
      });
      return;
    }
    state.set(name, "visiting");
    const parent = plan.parent === undefined ? undefined : byName.get(plan.parent);
    if (parent) visit(parent, [...chain, name]);
    state.set(name, "done");
    out.push(plan);
  };
  for (const plan of plans) if (byName.get(plan.resource.name) === plan) visit(plan, []);
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
