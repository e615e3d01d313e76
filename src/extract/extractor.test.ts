import { describe, expect, it } from "vitest";
import type { DataRecord } from "../core/json.js";
import { silentLogger } from "../core/logger.js";
import { resource } from "../core/resource.js";
import { extractResources } from "./extractor.js";
import { orderedFanOut } from "./ordered-fan-out.js";

describe("extractResources", () => {
  it("gives the event loop a turn during a source that never waits on I/O", async () => {
    // A source of generated records: without turns, a timer (progress, a signal, an overlapped load's
    // completion) would wait for the whole extraction.
    let batches = 0;
    let batchesWhenTimerRan = -1;
    const busy = resource("busy", function* () {
      for (let i = 0; i < 400; i++) {
        const start = performance.now();
        while (performance.now() - start < 1); // 1 ms of work per batch
        batches++;
        yield [{ i }];
      }
    });
    setTimeout(() => {
      batchesWhenTimerRan = batches;
    }, 5);
    const written: DataRecord[] = [];
    await extractResources({
      sink: { open: () => {}, write: (_r, b) => written.push(...b) },
      resources: [busy],
      state: {},
      logger: silentLogger,
    });
    expect(written).toHaveLength(400);
    expect(batchesWhenTimerRan).toBeGreaterThan(0);
    expect(batchesWhenTimerRan).toBeLessThan(400);
  });
});

describe("orderedFanOut", () => {
  it("runs tasks side by side and emits in input order, however they finish", async () => {
    const out: string[] = [];
    let running = 0;
    let peak = 0;
    const delays = [30, 5, 20, 1, 10, 1];
    await orderedFanOut(
      delays,
      3,
      (e: string) => out.push(e),
      async (ms, emit) => {
        running++;
        peak = Math.max(peak, running);
        emit(`${ms}:a`);
        await new Promise((r) => setTimeout(r, ms));
        emit(`${ms}:b`);
        running--;
      },
    );
    expect(peak).toBe(3);
    expect(out).toEqual(delays.flatMap((ms) => [`${ms}:a`, `${ms}:b`]));
  });

  it("rejects with the first failure", async () => {
    await expect(
      orderedFanOut(
        [1, 2, 3],
        2,
        () => {},
        async (n) => {
          if (n === 2) throw new Error("task 2 failed");
        },
      ),
    ).rejects.toThrow("task 2 failed");
  });
});
