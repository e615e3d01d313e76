import { describe, expect, it } from "vitest";
import type { ResponseOutcome } from "./next-step.js";
import { requestRules } from "./next-step.js";
import { DEFAULT_RETRY_POLICY } from "./retry.js";
import { retrying } from "./retry-loop.js";

const timers = { now: () => 0, random: () => 1 };

/** A loop over scripted outcomes, recording the waits and refreshes it asked for. */
function script(outcomes: ResponseOutcome[], renew = true) {
  const waits: Array<[number, number]> = [];
  let refreshes = 0;
  let runs = 0;
  const settled = retrying({
    rules: requestRules({ ...DEFAULT_RETRY_POLICY, max_retries: 2 }),
    timers,
    run: async () => outcomes[runs++]!,
    refresh: async () => {
      refreshes++;
      return renew;
    },
    wait: async (_result, attempt, delayMs) => {
      waits.push([attempt, delayMs]);
    },
  });
  return settled.then((s) => ({ ...s, waits, refreshes, runs }));
}

describe("retrying", () => {
  it("waits between attempts and stops at the first step that is not a retry", async () => {
    const r = await script([{ status: 503 }, { status: 502 }, { status: 200 }]);
    expect(r.step).toEqual({ step: "accept" });
    expect(r.attempts).toBe(3);
    expect(r.waits).toEqual([
      [1, 2000],
      [2, 4000],
    ]);
  });

  it("gives up when the retries are spent, with the last outcome", async () => {
    const r = await script([{ status: 503 }, { status: 503 }, { status: 503 }, { status: 200 }]);
    expect(r.step).toEqual({ step: "fail", reason: "status" });
    expect(r.result).toEqual({ status: 503 });
    expect(r.attempts).toBe(3);
  });

  it("a renewed credential sends the request again without a wait and without counting an attempt", async () => {
    const r = await script([{ status: 401, refreshable: true }, { status: 200 }]);
    expect(r).toMatchObject({ step: { step: "accept" }, attempts: 1, refreshes: 1, runs: 2, waits: [] });
  });

  it("renews once per request: a second 401 is the status it is", async () => {
    const r = await script([
      { status: 401, refreshable: true },
      { status: 401, refreshable: true },
    ]);
    expect(r).toMatchObject({ step: { step: "fail", reason: "status" }, attempts: 1, refreshes: 1, runs: 2 });
  });

  it("credentials that cannot be renewed leave the 401 to the policy", async () => {
    const r = await script([{ status: 401, refreshable: true }], false);
    expect(r).toMatchObject({ step: { step: "fail", reason: "status" }, attempts: 1, refreshes: 1, runs: 1 });
  });
});
