import { SluiceError } from "../../core/errors.js";
import type { JsonObject } from "../../core/json.js";
import type { Resource } from "../../core/resource.js";
import { canonicalJson } from "../../schema/version.js";

/**
 * One state per resource from the states its partitions left, each started from the committed one: the
 * resource merges them (incremental cursors: the furthest value, per parent too), or they must agree.
 * A resource no partition read keeps its committed state.
 */
export function mergeResourceStates(
  base: { [resource: string]: JsonObject },
  partitions: ReadonlyArray<{ [resource: string]: JsonObject }>,
  resources: ReadonlyMap<string, Resource>,
): { [resource: string]: JsonObject } {
  const byResource = new Map<string, JsonObject[]>();
  for (const states of partitions)
    for (const [name, state] of Object.entries(states))
      byResource.set(name, [...(byResource.get(name) ?? []), state]);
  const out = { ...base };
  for (const [name, states] of byResource) out[name] = mergeOne(name, states, resources.get(name));
  return out;
}

function mergeOne(name: string, states: JsonObject[], resource: Resource | undefined): JsonObject {
  if (states.length === 1) return states[0] as JsonObject;
  if (resource?.mergeStates !== undefined) return resource.mergeStates(states);
  const first = canonicalJson(states[0]);
  if (states.every((s) => canonicalJson(s) === first)) return states[0] as JsonObject;
  throw new SluiceError(
    `resource "${name}": its partitions left different states, and the resource does not say how to merge them`,
    {
      code: "PARTITION_STATE_CONFLICT",
      hint: "Give the resource a mergeStates(states) function, or run it without partitions (`sluice run` without --on).",
    },
  );
}
