import type { ParentRef } from "./placeholder-rules.js";
import type { PathSegment } from "./positions.js";
import type { ResourceView } from "./resource-views.js";
import type { SemanticIssue } from "./semantic-issue.js";

/**
 * The rules of the parent/child graph a run relies on: names are unique, a resource has one parent,
 * and no resource depends on itself. A source plans its resources without checking them again.
 */

export function duplicateNameIssues(resources: readonly ResourceView[], errors: SemanticIssue[]): void {
  const firstSeen = new Map<string, PathSegment>();
  for (const r of resources) {
    const first = firstSeen.get(r.name);
    if (first === undefined) firstSeen.set(r.name, r.path[1]!);
    else
      errors.push({
        path: r.nameAt,
        message: `resource "${r.name}" is defined twice (first at resources[${first}])`,
        hint: "give each resource a unique name (set table_name to load two resources into one table)",
      });
  }
}

/** The one parent a resource reads from, when it names a known resource; more than one is an error. */
export function parentOf(
  r: ResourceView,
  refs: readonly ParentRef[],
  names: readonly string[],
  errors: SemanticIssue[],
): string | undefined {
  const found = new Set(refs.map((ref) => ref.parent));
  if (found.size > 1)
    errors.push({
      path: r.endpointPath,
      message: `resource "${r.name}" refers to several parents (${[...found].join(", ")})`,
      hint: "a resource has one parent; chain them instead (grandparent → parent → child)",
    });
  const includeFromParent = r.raw?.include_from_parent;
  if (Array.isArray(includeFromParent) && includeFromParent.length > 0 && found.size === 0)
    errors.push({
      path: [...r.path, "include_from_parent"],
      message: `resource "${r.name}" has no parent to include fields from`,
      hint: "refer to the parent in the endpoint, e.g. path: /items/{resources.parent.id}/details",
    });
  return [...found].find((p) => names.includes(p));
}

/** Cycles in the parent graph: each node has one parent, so each chain is walked once (linear time). */
export function cycleIssues(
  resources: readonly ResourceView[],
  parents: ReadonlyMap<string, string>,
  errors: SemanticIssue[],
): void {
  const done = new Set<string>();
  for (const { name: start } of resources) {
    if (done.has(start)) continue;
    const onChain = new Map<string, number>();
    const chain: string[] = [];
    let node: string | undefined = start;
    while (node !== undefined && !done.has(node) && !onChain.has(node)) {
      onChain.set(node, chain.length);
      chain.push(node);
      node = parents.get(node);
    }
    for (const n of chain) done.add(n);
    if (node === undefined || !onChain.has(node)) continue;
    const cycle = chain.slice(onChain.get(node));
    const at = resources.find((r) => r.name === cycle[0])!;
    errors.push({
      path: at.endpointPath,
      message: `resources form a cycle: ${[...cycle, cycle[0]].join(" → ")} (each takes values from the next)`,
      hint: "a parent must not depend on its own children; remove one of the references",
    });
  }
}
