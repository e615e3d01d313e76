import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DataRecord } from "../../src/core/json.js";
import { type ResourceHints, resource } from "../../src/core/resource.js";
import { type PipelineSandbox, pipelineSandbox } from "../support/pipeline-helpers.js";

let sb: PipelineSandbox;
beforeEach(() => {
  sb = pipelineSandbox();
});
afterEach(() => sb.cleanup());

function res(name: string, records: DataRecord[], hints: ResourceHints) {
  return resource(name, () => records, hints);
}

describe("append", () => {
  it("adds every record on every run, children included", async () => {
    const p = sb.make();
    const data = [
      { id: 1, tags: ["a", "b"] },
      { id: 2, tags: ["c"] },
    ];
    await p.run(res("items", data, { write_disposition: "append" }));
    await p.run(res("items", data, { write_disposition: "append" }));
    expect(await sb.count("items")).toBe(4);
    expect(await sb.count("items__tags")).toBe(6);
  });
});

describe("replace", () => {
  it("replaces the table and its children, even with fewer rows or none", async () => {
    const p = sb.make();
    await p.run(
      res(
        "items",
        [
          { id: 1, tags: ["a", "b"] },
          { id: 2, tags: ["c"] },
        ],
        { write_disposition: "replace" },
      ),
    );
    await p.run(res("items", [{ id: 3, tags: [] }], { write_disposition: "replace" }));
    expect(await sb.query("SELECT id FROM $ds.items")).toEqual([{ id: 3 }]);
    expect(await sb.count("items__tags")).toBe(0);
    await p.run(res("items", [], { write_disposition: "replace" }));
    expect(await sb.count("items")).toBe(0);
  });
});

describe("merge delete-insert", () => {
  const hints: ResourceHints = { write_disposition: "merge", primary_key: "id" };

  it("dedups within a load keeping the last record and only its children", async () => {
    const p = sb.make();
    await p.run(
      res(
        "users",
        [
          { id: 1, name: "first", tags: ["x", "y", "z"] },
          { id: 2, name: "other", tags: ["o"] },
          { id: 1, name: "last", tags: ["w"] },
        ],
        hints,
      ),
    );
    expect(await sb.query("SELECT id, name FROM $ds.users ORDER BY id")).toEqual([
      { id: 1, name: "last" },
      { id: 2, name: "other" },
    ]);
    expect(
      await sb.query(
        "SELECT t.value FROM $ds.users__tags t JOIN $ds.users u ON t._sluice_root_id = u._sluice_id WHERE u.id = 1",
      ),
    ).toEqual([{ value: "w" }]);
    expect(await sb.count("users__tags")).toBe(2);
  });

  it("replaces changed records and their children, keeps others, and is idempotent on rerun", async () => {
    const p = sb.make();
    await p.run(
      res(
        "users",
        [
          { id: 1, name: "a", tags: ["x", "y"] },
          { id: 2, name: "b", tags: ["z"] },
        ],
        hints,
      ),
    );
    const second = res("users", [{ id: 1, name: "a2", tags: ["q"] }], hints);
    await p.run(second);
    await p.run(second);
    expect(await sb.query("SELECT id, name FROM $ds.users ORDER BY id")).toEqual([
      { id: 1, name: "a2" },
      { id: 2, name: "b" },
    ]);
    expect(await sb.query("SELECT value FROM $ds.users__tags ORDER BY value")).toEqual([
      { value: "q" },
      { value: "z" },
    ]);
  });

  it("supports compound primary keys", async () => {
    const p = sb.make();
    const h: ResourceHints = { write_disposition: "merge", primary_key: ["org", "id"] };
    await p.run(
      res(
        "m",
        [
          { org: "a", id: 1, v: 1 },
          { org: "b", id: 1, v: 1 },
        ],
        h,
      ),
    );
    await p.run(res("m", [{ org: "a", id: 1, v: 2 }], h));
    expect(await sb.query("SELECT org, id, v FROM $ds.m ORDER BY org")).toEqual([
      { org: "a", id: 1, v: 2 },
      { org: "b", id: 1, v: 1 },
    ]);
  });

  it("deletes by merge_key: a partition present in the load is replaced whole", async () => {
    const p = sb.make();
    const h: ResourceHints = { write_disposition: "merge", merge_key: "day" };
    await p.run(
      res(
        "ev",
        [
          { day: "d1", n: 1 },
          { day: "d1", n: 2 },
          { day: "d2", n: 3 },
        ],
        h,
      ),
    );
    await p.run(res("ev", [{ day: "d1", n: 9 }], h));
    expect(await sb.query("SELECT day, n FROM $ds.ev ORDER BY n")).toEqual([
      { day: "d2", n: 3 },
      { day: "d1", n: 9 },
    ]);
  });

  it("falls back to append with a warning when there is no key", async () => {
    const p = sb.make();
    const r = res("nokey", [{ a: 1 }], { write_disposition: "merge" });
    await p.run(r);
    await p.run(r);
    expect(await sb.count("nokey")).toBe(2);
    expect(sb.logs.some((e) => e.level === "warn" && e.msg.includes("appending instead"))).toBe(true);
  });
});

describe("merge upsert", () => {
  const hints: ResourceHints = {
    write_disposition: { disposition: "merge", strategy: "upsert" },
    primary_key: "id",
  };

  it("updates existing keys, inserts new ones, replaces children, idempotent", async () => {
    const p = sb.make();
    await p.run(
      res(
        "u",
        [
          { id: 1, name: "a", tags: ["x", "y"] },
          { id: 2, name: "b", tags: ["z"] },
        ],
        hints,
      ),
    );
    const next = res(
      "u",
      [
        { id: 2, name: "b2", tags: ["n"] },
        { id: 3, name: "c", tags: [] },
        { id: 2, name: "b3", tags: ["m"] },
      ],
      hints,
    );
    await p.run(next);
    await p.run(next);
    expect(await sb.query("SELECT id, name FROM $ds.u ORDER BY id")).toEqual([
      { id: 1, name: "a" },
      { id: 2, name: "b3" },
      { id: 3, name: "c" },
    ]);
    expect(await sb.query("SELECT value FROM $ds.u__tags ORDER BY value")).toEqual([
      { value: "m" },
      { value: "x" },
      { value: "y" },
    ]);
  });
});

describe("merge scd2", () => {
  const hints: ResourceHints = {
    write_disposition: { disposition: "merge", strategy: "scd2" },
    primary_key: "id",
  };

  it("keeps history: changed records get a new version, absent records are retired, reruns change nothing", async () => {
    const p = sb.make();
    await p.run(
      res(
        "dim",
        [
          { id: 1, name: "a", tags: ["t1"] },
          { id: 2, name: "b", tags: ["t2"] },
          { id: 3, name: "c", tags: [] },
        ],
        hints,
      ),
    );
    const second = res(
      "dim",
      [
        { id: 1, name: "a", tags: ["t1"] },
        { id: 2, name: "b-changed", tags: ["t2b"] },
      ],
      hints,
    );
    await p.run(second);
    const snapshot = await sb.query(
      "SELECT id, name, _sluice_valid_to IS NULL AS active FROM $ds.dim ORDER BY id, name",
    );
    expect(snapshot).toEqual([
      { id: 1, name: "a", active: true },
      { id: 2, name: "b", active: false },
      { id: 2, name: "b-changed", active: true },
      { id: 3, name: "c", active: false },
    ]);
    await p.run(second);
    expect(
      await sb.query("SELECT id, name, _sluice_valid_to IS NULL AS active FROM $ds.dim ORDER BY id, name"),
    ).toEqual(snapshot);
    // Children exist once per version: t1 (unchanged record), t2 (old version), t2b (new version).
    expect(await sb.query("SELECT value FROM $ds.dim__tags ORDER BY value")).toEqual([
      { value: "t1" },
      { value: "t2" },
      { value: "t2b" },
    ]);
    const retired = await sb.query(
      "SELECT count(*) AS n FROM $ds.dim WHERE _sluice_valid_to IS NOT NULL AND _sluice_valid_to >= _sluice_valid_from",
    );
    expect(retired).toEqual([{ n: 2 }]);
  });

  it("scopes retirement to the merge keys present in the load", async () => {
    const p = sb.make();
    const h: ResourceHints = {
      write_disposition: { disposition: "merge", strategy: "scd2" },
      merge_key: "region",
    };
    await p.run(
      res(
        "s",
        [
          { region: "eu", v: 1 },
          { region: "us", v: 1 },
        ],
        h,
      ),
    );
    await p.run(res("s", [{ region: "eu", v: 2 }], h));
    expect(
      await sb.query("SELECT region, v, _sluice_valid_to IS NULL AS active FROM $ds.s ORDER BY region, v"),
    ).toEqual([
      { region: "eu", v: 1, active: false },
      { region: "eu", v: 2, active: true },
      { region: "us", v: 1, active: true },
    ]);
  });
});
