import type { HttpResponse, ResponseAction } from "./types.js";

export type ActionOutcome = "ignore" | "retry" | "fail" | undefined;

function statusMatches(expected: number | number[] | undefined, status: number): boolean {
  if (expected === undefined) return true;
  return Array.isArray(expected) ? expected.includes(status) : expected === status;
}

/**
 * dlt's `response_actions`: the first action whose `status_code` and `content` (a substring of the raw
 * body) both match decides; callbacks see the response and may return an action or nothing.
 */
export function matchResponseAction(
  actions: ResponseAction[] | undefined,
  response: HttpResponse,
): ActionOutcome {
  if (!actions) return undefined;
  for (const action of actions) {
    if (typeof action === "function") {
      const outcome = action(response);
      if (outcome) return outcome;
      continue;
    }
    if (action.status_code === undefined && action.content === undefined) continue;
    if (!statusMatches(action.status_code, response.status)) continue;
    if (action.content !== undefined && !(response.text ?? "").includes(action.content)) continue;
    return action.action;
  }
  return undefined;
}
