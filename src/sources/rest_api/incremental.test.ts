import { describe, expect, it } from "vitest";
import { SluiceError } from "../../core/errors.js";
import type { JsonObject } from "../../core/json.js";
import { applyLag, compareCursor, cursorSlot, IncrementalRun } from "./incremental.js";

const rows = (...ts: number[]) => ts.map((t, i) => ({ id: i + 1, ts: t }));

describe("cursor comparison and lag", () => {
  it("compares numbers, ISO instants across spellings, and text", () => {
    expect(compareCursor(2, 10)).toBeLessThan(0);
    expect(compareCursor("2024-01-01T00:00:00Z", "2024-01-01T00:00:00+00:00")).toBe(0);
    expect(compareCursor("2024-01-02", "2024-01-01T23:00:00Z")).toBeGreaterThan(0);
    expect(compareCursor("b", "a")).toBeGreaterThan(0);
    expect(compareCursor(10, "9")).toBeGreaterThan(0);
    expect(compareCursor("10", 10)).toBe(0);
  });
  it("moves values back by lag", () => {
    expect(applyLag(100, 10)).toBe(90);
    expect(applyLag("2024-01-01T00:01:00Z", 60)).toBe("2024-01-01T00:00:00.000Z");
    expect(applyLag("2024-01-10", 2)).toBe("2024-01-08");
  });
});

describe("IncrementalRun", () => {
  it("starts at initial_value, filters below it, and stores last_value with boundary hashes", () => {
    const state: JsonObject = {};
    const slot = cursorSlot(state, "ts");
    const run = new IncrementalRun({ cursor_path: "ts", initial_value: 5 }, slot, ["id"], "r");
    expect(run.placeholderValues()).toEqual({ start_value: 5, last_value: 5, initial_value: 5 });
    const out = run.filter(rows(3, 5, 7, 7));
    expect(out.records.map((r) => r.ts)).toEqual([5, 7, 7]);
    expect(state).toMatchObject({ incremental: { ts: { initial_value: 5, last_value: 7 } } });
    expect((slot.unique_hashes as string[]).length).toBe(2);
  });

  it("drops records at the boundary that were loaded last run (closed start), keeps new ones", () => {
    const state: JsonObject = {};
    new IncrementalRun({ cursor_path: "ts", initial_value: 0 }, cursorSlot(state, "ts"), ["id"], "r").filter([
      { id: 1, ts: 1 },
      { id: 2, ts: 2 },
    ]);
    const second = new IncrementalRun(
      { cursor_path: "ts", initial_value: 0 },
      cursorSlot(state, "ts"),
      ["id"],
      "r",
    );
    expect(second.startValue).toBe(2);
    const out = second.filter([
      { id: 2, ts: 2 },
      { id: 3, ts: 2 },
      { id: 4, ts: 3 },
    ]);
    expect(out.records.map((r) => r.id)).toEqual([3, 4]);
  });

  it("uses a content hash when there is no primary key", () => {
    const state: JsonObject = {};
    const cfg = { cursor_path: "ts" };
    new IncrementalRun(cfg, cursorSlot(state, "ts"), undefined, "r").filter([{ ts: 1, v: "a" }]);
    const out = new IncrementalRun(cfg, cursorSlot(state, "ts"), undefined, "r").filter([
      { ts: 1, v: "a" },
      { ts: 1, v: "b" },
    ]);
    expect(out.records).toEqual([{ ts: 1, v: "b" }]);
  });

  it("honours open/closed range bounds and end_value without moving the cursor", () => {
    const state: JsonObject = {};
    const run = new IncrementalRun(
      { cursor_path: "ts", initial_value: 2, end_value: 5, range_start: "open", range_end: "closed" },
      cursorSlot(state, "ts"),
      ["id"],
      "r",
    );
    expect(run.filter(rows(1, 2, 3, 5, 6)).records.map((r) => r.ts)).toEqual([3, 5]);
    expect(state).toEqual({ incremental: { ts: {} } });
    const def = new IncrementalRun({ cursor_path: "ts", initial_value: 2, end_value: 5 }, {}, undefined, "r");
    expect(def.filter(rows(2, 5)).records.map((r) => r.ts)).toEqual([2]);
  });

  it("with end_value (a backfill) ignores the stored cursor and leaves it as it was", () => {
    const state: JsonObject = { incremental: { ts: { last_value: 8, unique_hashes: ["h"] } } };
    const run = new IncrementalRun(
      { cursor_path: "ts", initial_value: 2, end_value: 6 },
      cursorSlot(state, "ts"),
      undefined,
      "r",
    );
    expect(run.startValue).toBe(2);
    expect(run.filter(rows(1, 2, 5, 6, 9)).records.map((r) => r.ts)).toEqual([2, 5]);
    expect(state).toEqual({ incremental: { ts: { last_value: 8, unique_hashes: ["h"] } } });
  });

  it("signals stop for sorted streams once past the range", () => {
    const asc = new IncrementalRun({ cursor_path: "ts", end_value: 5, row_order: "asc" }, {}, undefined, "r");
    expect(asc.filter(rows(3, 4, 6))).toMatchObject({ stop: true });
    const desc = new IncrementalRun(
      { cursor_path: "ts", initial_value: 5, row_order: "desc" },
      {},
      undefined,
      "r",
    );
    const d = desc.filter(rows(9, 6, 4));
    expect(d.stop).toBe(true);
    expect(d.records.map((r) => r.ts)).toEqual([9, 6]);
    const unordered = new IncrementalRun({ cursor_path: "ts", initial_value: 5 }, {}, undefined, "r");
    expect(unordered.filter(rows(9, 4)).stop).toBe(false);
  });

  it("handles a missing cursor value per on_cursor_value_missing", () => {
    const recs = [{ id: 1 }, { id: 2, ts: null }, { id: 3, ts: 1 }];
    expect(() => new IncrementalRun({ cursor_path: "ts" }, {}, undefined, "res").filter(recs)).toThrow(
      SluiceError,
    );
    expect(() => new IncrementalRun({ cursor_path: "ts" }, {}, undefined, "res").filter(recs)).toThrow(
      /"res".*"ts"/,
    );
    const inc = new IncrementalRun(
      { cursor_path: "ts", on_cursor_value_missing: "include" },
      {},
      undefined,
      "r",
    );
    expect(inc.filter(recs).records.map((r) => r.id)).toEqual([1, 2, 3]);
    const exc = new IncrementalRun(
      { cursor_path: "ts", on_cursor_value_missing: "exclude" },
      {},
      undefined,
      "r",
    );
    expect(exc.filter(recs).records.map((r) => r.id)).toEqual([3]);
  });

  it("reads nested cursor paths, applies lag on the stored value and convert for the request", () => {
    const state: JsonObject = { incremental: { "meta.ts": { last_value: 100, unique_hashes: [] } } };
    const run = new IncrementalRun(
      { cursor_path: "meta.ts", initial_value: 1, lag: 10, convert: (v) => `t${String(v)}` },
      cursorSlot(state, "meta.ts"),
      undefined,
      "r",
    );
    expect(run.startValue).toBe(90);
    // as dlt: initial_value is converted like the cursor values, lag is given as configured
    expect(run.placeholderValues()).toEqual({
      start_value: "t90",
      last_value: "t90",
      initial_value: "t1",
      lag: 10,
    });
    expect(run.filter([{ meta: { ts: 95 } }, { meta: { ts: 80 } }]).records).toEqual([{ meta: { ts: 95 } }]);
    // the stored cursor never moves backwards because of lag
    expect(cursorSlot(state, "meta.ts").last_value).toBe(100);
  });

  it("keeps one cursor per parent in the state", () => {
    const state: JsonObject = {};
    new IncrementalRun({ cursor_path: "ts" }, cursorSlot(state, "ts", "id=1"), undefined, "r").filter(
      rows(4),
    );
    new IncrementalRun({ cursor_path: "ts" }, cursorSlot(state, "ts", "id=2"), undefined, "r").filter(
      rows(9),
    );
    expect(state).toMatchObject({
      incremental: { ts: { parents: { "id=1": { last_value: 4 }, "id=2": { last_value: 9 } } } },
    });
  });

  it("follows last_value_func min and an incremental primary_key for boundary dedup", () => {
    const state: JsonObject = {};
    const cfg = { cursor_path: "ts", initial_value: 10, last_value_func: "min" as const, primary_key: "k" };
    const first = new IncrementalRun(cfg, cursorSlot(state, "ts"), ["id"], "r");
    expect(
      first
        .filter([
          { k: 1, ts: 12 },
          { k: 2, ts: 8 },
          { k: 3, ts: 5 },
        ])
        .records.map((r) => r.k),
    ).toEqual([2, 3]);
    expect(cursorSlot(state, "ts").last_value).toBe(5);
    const second = new IncrementalRun(cfg, cursorSlot(state, "ts"), ["id"], "r");
    expect(
      second
        .filter([
          { k: 3, ts: 5, id: 99 },
          { k: 4, ts: 5 },
          { k: 5, ts: 6 },
        ])
        .records.map((r) => r.k),
    ).toEqual([4]);
  });

  it("accepts a last_value_func function choosing the later of two values", () => {
    const state: JsonObject = {};
    // versions like "1.10" order numerically by part, not as text
    const later = (vals: unknown[]) => {
      const [a, b] = vals.map((v) => String(v).split(".").map(Number)) as [number[], number[]];
      return (a[0] ?? 0) * 1000 + (a[1] ?? 0) >= (b[0] ?? 0) * 1000 + (b[1] ?? 0) ? vals[0] : vals[1];
    };
    const cfg = { cursor_path: "v", initial_value: "1.2", last_value_func: later };
    const run = new IncrementalRun(cfg, cursorSlot(state, "v"), undefined, "r");
    const out = run.filter([{ v: "1.1" }, { v: "1.10" }, { v: "1.9" }, { v: "1.2" }]);
    expect(out.records.map((r) => r.v)).toEqual(["1.10", "1.9", "1.2"]);
    expect(cursorSlot(state, "v").last_value).toBe("1.10");
  });
});

describe("snowflake-id cursors (integers beyond 2^53, parsed as bigint)", () => {
  const A = 1234567890123456789n;
  const B = 1234567890123456791n;

  it("compares exactly, also against numbers and numeric text", () => {
    expect(compareCursor(A, B)).toBeLessThan(0);
    expect(compareCursor(B, A)).toBeGreaterThan(0);
    expect(compareCursor(A, 5)).toBeGreaterThan(0);
    expect(compareCursor(A, "1234567890123456790")).toBeLessThan(0);
    expect(compareCursor(B, "1234567890123456791")).toBe(0);
    expect(applyLag(B, 2)).toBe(A);
  });

  it("stores last_value as exact digits in JSON state and reads it back as the same integer", () => {
    const state: JsonObject = {};
    const first = new IncrementalRun({ cursor_path: "id" }, cursorSlot(state, "id"), undefined, "r");
    first.filter([{ id: A }, { id: B }]);
    // The state goes through JSON (the destination and the working dir store it so).
    const text = JSON.stringify(state);
    expect(text).toContain('"last_value":"1234567890123456791"');
    const restored = JSON.parse(text) as JsonObject;
    const second = new IncrementalRun({ cursor_path: "id" }, cursorSlot(restored, "id"), undefined, "r");
    expect(second.startValue).toBe(B);
    expect(String(second.placeholderValues().start_value)).toBe("1234567890123456791");
    const out = second.filter([{ id: A }, { id: B }, { id: B + 1n }]);
    expect(out.records.map((r) => r.id)).toEqual([B + 1n]);
    expect(JSON.parse(JSON.stringify(restored))).toMatchObject({
      incremental: { id: { last_value: "1234567890123456792", last_value_type: "bigint" } },
    });
    // Beyond int64 too: still exact digits.
    const third = new IncrementalRun({ cursor_path: "id" }, cursorSlot(restored, "id"), undefined, "r");
    third.filter([{ id: 2n ** 64n }]);
    expect(cursorSlot(restored, "id").last_value).toBe((2n ** 64n).toString());
  });
});
