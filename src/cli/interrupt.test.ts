import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { InterruptedError, watchSignals } from "./interrupt.js";
import { exitCodeFor } from "./report-error.js";

describe("watchSignals", () => {
  it("aborts on the first signal with an InterruptedError, calls onSecond on the next, and lets go when disposed", () => {
    const proc = new EventEmitter();
    const seconds: string[] = [];
    const firsts: string[] = [];
    const watch = watchSignals({
      process: proc as unknown as Pick<NodeJS.Process, "on" | "removeListener">,
      onFirst: (s) => firsts.push(s),
      onSecond: (s) => seconds.push(s),
    });
    expect(watch.signal.aborted).toBe(false);
    proc.emit("SIGTERM");
    expect(watch.signal.aborted).toBe(true);
    expect(watch.received()).toBe("SIGTERM");
    const reason = watch.signal.reason as InterruptedError;
    expect(reason).toBeInstanceOf(InterruptedError);
    expect(exitCodeFor(reason)).toBe(143);
    expect(reason.hint).toMatch(/run the same command again/);
    proc.emit("SIGINT");
    expect(firsts).toEqual(["SIGTERM"]);
    expect(seconds).toEqual(["SIGINT"]);
    watch.dispose();
    expect(proc.listenerCount("SIGINT") + proc.listenerCount("SIGTERM")).toBe(0);
  });

  it("maps SIGINT to exit 130", () => {
    expect(exitCodeFor(new InterruptedError("SIGINT", "x", "y"))).toBe(130);
  });
});
