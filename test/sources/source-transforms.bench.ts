/**
 * Throughput of the declarative source's own per-record work (incremental filtering with boundary
 * hashes, exclude_columns), without HTTP. Run: `node --import tsx test/sources/source-transforms.bench.ts`.
 */
import type { DataRecord, JsonObject } from "../../src/core/json.js";
import { cursorSlot, IncrementalRun } from "../../src/sources/rest_api/incremental.js";
import { excludeColumns } from "../../src/sources/rest_api/processing.js";

const N = 200_000;
const PAGE = 1000;
const pages: DataRecord[][] = [];
for (let p = 0; p < N / PAGE; p++)
  pages.push(
    Array.from({ length: PAGE }, (_, i) => {
      const n = p * PAGE + i;
      return {
        id: n,
        updated_at: new Date(1_700_000_000_000 + n * 1000).toISOString(),
        name: `name ${n}`,
        followers: i,
        nested: { a: 1, b: "y" },
      };
    }),
  );

function measure(label: string, fn: () => void): void {
  fn(); // warm-up
  const t = performance.now();
  fn();
  const ms = performance.now() - t;
  console.log(
    `${label.padEnd(44)} ${(N / ms / 1000).toFixed(2)} M records/s  (${ms.toFixed(0)} ms for ${N})`,
  );
}

measure("incremental, ISO cursor, primary key", () => {
  const state: JsonObject = {};
  const run = new IncrementalRun(
    { cursor_path: "updated_at", initial_value: "2023-01-01T00:00:00Z" },
    cursorSlot(state, "updated_at"),
    ["id"],
    "bench",
  );
  for (const page of pages) run.filter(page);
});
measure("incremental, numeric cursor, content hash", () => {
  const state: JsonObject = {};
  const run = new IncrementalRun({ cursor_path: "id" }, cursorSlot(state, "id"), undefined, "bench");
  for (const page of pages) run.filter(page);
});
measure("exclude_columns (two top-level fields)", () => {
  for (const page of pages) excludeColumns(page, ["updated_at", "followers"]);
});
measure("exclude_columns (one nested field)", () => {
  for (const page of pages) excludeColumns(page, ["nested.b"]);
});
