import { describe, expect, it } from "vitest";
import { applyProcessingSteps, excludeColumns } from "./processing.js";

describe("processing_steps", () => {
  it("applies filter, map and yield_map in the order written", () => {
    const out = applyProcessingSteps(
      [{ id: 1 }, { id: 2 }, { id: 3 }],
      [
        { filter: (r) => r.id !== 2 },
        { map: (r) => ({ ...r, double: (r.id as number) * 2 }) },
        { yield_map: (r) => [r, { ...r, copy: true }] },
      ],
    );
    expect(out).toEqual([
      { id: 1, double: 2 },
      { id: 1, double: 2, copy: true },
      { id: 3, double: 6 },
      { id: 3, double: 6, copy: true },
    ]);
  });
});

describe("exclude_columns", () => {
  it("drops top-level and nested fields without touching the input", () => {
    const input = [{ id: 1, updated_at: "x", followers: 3, owner: { name: "a", followers: 9 } }];
    const out = excludeColumns(input, ["updated_at", "followers", "owner.followers", "absent"]);
    expect(out).toEqual([{ id: 1, owner: { name: "a" } }]);
    expect(input[0]).toHaveProperty("updated_at");
    expect(input[0]?.owner).toHaveProperty("followers");
  });
});
