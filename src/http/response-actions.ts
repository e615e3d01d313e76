import { z } from "zod";
import { configObject, tsFunction } from "./options-schema.js";
import type { HttpResponse } from "./types.js";

export type ActionOutcome = "ignore" | "retry" | "fail" | undefined;

const responseActionObject = configObject({
  status_code: z
    .union([z.number().int(), z.array(z.number().int())])
    .optional()
    .describe("Match responses with this status (or any of these)."),
  content: z.string().optional().describe("Match responses whose body contains this text."),
  action: z
    .enum(["ignore", "retry", "fail"])
    .describe('"ignore" the response (no records), "retry" it, or "fail".'),
}).describe("A response action: when the response matches, take the action.");

/** A response action, dlt's shape: match on status and/or body content, then act; or a function deciding. */
export const responseActionSchema = z.union([
  responseActionObject,
  tsFunction<(response: HttpResponse) => ActionOutcome>(),
]);

export type ResponseAction = z.output<typeof responseActionSchema>;

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
