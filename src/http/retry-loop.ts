import { type AttemptOutcome, type FinalStep, nextStep, type RetryRules } from "./next-step.js";
import type { HttpTimers } from "./types.js";

export interface Attempts<R extends AttemptOutcome> {
  rules: RetryRules;
  timers: Pick<HttpTimers, "now" | "random">;
  /** One attempt; thrown errors end the loop as they are (an abort, a response too large). */
  run(): Promise<R>;
  /** Renews the credentials after a 401: true when the request should go again. */
  refresh?(result: R): Promise<boolean>;
  /** Waits before retry number `attempt` (and reports it). */
  wait(result: R, attempt: number, delayMs: number): Promise<void>;
}

export interface Settled<R> {
  result: R;
  step: FinalStep;
  /** Attempts made; a request sent again with renewed credentials does not count. */
  attempts: number;
}

/** The HTTP layer's one retry loop: attempts until `nextStep` says anything but retry or refresh. */
export async function retrying<R extends AttemptOutcome>(a: Attempts<R>): Promise<Settled<R>> {
  let refreshTried = false;
  for (let attempt = 1; ; ) {
    const result = await a.run();
    let next = nextStep(result, attempt, a.rules, refreshTried, a.timers);
    while (next.step === "refresh") {
      refreshTried = true;
      if (a.refresh && (await a.refresh(result))) break;
      next = nextStep(result, attempt, a.rules, refreshTried, a.timers);
    }
    // Renewed credentials: the same request goes again, and it is not a retry.
    if (next.step === "refresh") continue;
    if (next.step !== "retry") return { result, step: next, attempts: attempt };
    await a.wait(result, attempt, next.delayMs);
    attempt++;
  }
}
