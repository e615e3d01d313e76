import { describe, expect, it } from "vitest";
import { childRowId, contentId, primaryKeyId, RootIdGenerator, rootIdMode } from "./row-ids.js";

describe("rootIdMode", () => {
  it("hashes content for scd2, keys for merge with a primary key, and is random otherwise", () => {
    expect(rootIdMode({ disposition: "merge", strategy: "scd2" }, [])).toBe("content");
    expect(rootIdMode({ disposition: "merge", strategy: "delete-insert" }, ["id"])).toBe("primary_key");
    expect(rootIdMode({ disposition: "merge", strategy: "delete-insert" }, [])).toBe("random");
    expect(rootIdMode({ disposition: "append", strategy: undefined }, ["id"])).toBe("random");
  });
});

describe("RootIdGenerator.forRow", () => {
  it("draws unique random ids, derives key and content ids, and falls back to random without a key", () => {
    const ids = new RootIdGenerator();
    const a = ids.forRow("random", {}, []);
    expect(ids.forRow("random", {}, [])).not.toBe(a);
    expect(ids.forRow("primary_key", { id: 7 }, ["id"])).toBe(primaryKeyId({ id: 7 }, ["id"]));
    // Random ids share the generator's prefix.
    expect(ids.forRow("primary_key", { id: null }, ["id"]).slice(0, 14)).toBe(a.slice(0, 14));
    expect(ids.forRow("content", { v: "a" }, [])).toBe(contentId({ v: "a" }));
  });
});

describe("derived ids", () => {
  it("key ids depend on the key values only; content ids ignore order, empty slots and system columns", () => {
    expect(primaryKeyId({ id: 7, x: 1 }, ["id"])).toBe(primaryKeyId({ x: 2, id: 7 }, ["id"]));
    expect(primaryKeyId({ a: 1, b: 2 }, ["a", "b"])).not.toBe(primaryKeyId({ a: 2, b: 1 }, ["a", "b"]));
    expect(primaryKeyId({ a: 1 }, ["a", "b"])).toBeUndefined();
    expect(contentId({ a: 1, b: "x" })).toBe(contentId({ b: "x", c: undefined, a: 1, _sluice_id: "r" }));
    expect(contentId({ a: 1 })).not.toBe(contentId({ a: 2 }));
    expect(childRowId("p", "tags", 2)).toBe("p.tags.2");
  });
});
