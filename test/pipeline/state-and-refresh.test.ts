import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Resource, resource, source } from "../../src/core/resource.js";
import { type PipelineSandbox, pipelineSandbox } from "../support/pipeline-helpers.js";

let sb: PipelineSandbox;
beforeEach(() => {
  sb = pipelineSandbox();
});
afterEach(() => sb.cleanup());

/** Yields `per` new records per run, continuing from the cursor kept in its state. */
function counter(name: string, per = 3): Resource {
  return resource(name, async function* (ctx) {
    const start = Number(ctx.state["next"] ?? 0);
    for (let i = start; i < start + per; i++) yield { id: i };
    ctx.state["next"] = start + per;
  });
}

describe("state", () => {
  it("commits resource state with the data and resumes from it", async () => {
    const p = sb.make();
    await p.run(counter("c"));
    await p.run(counter("c"));
    expect(await sb.query("SELECT id FROM $ds.c ORDER BY id")).toEqual(
      [0, 1, 2, 3, 4, 5].map((id) => ({ id })),
    );
    const state = await p.state();
    expect(state.resources["c"]).toEqual({ next: 6 });
    expect(state.version).toBe(2);
    const stored = await sb.query(
      "SELECT version, state FROM $ds._sluice_pipeline_state ORDER BY version DESC LIMIT 1",
    );
    expect(stored[0]?.["version"]).toBe(2);
    expect(JSON.parse(String(stored[0]?.["state"])).resources.c).toEqual({ next: 6 });
    expect(await sb.count("_sluice_loads")).toBe(2);
    expect(await sb.count("_sluice_version")).toBeGreaterThanOrEqual(1);
  });

  it("restores state and schema from the destination when the working dir is gone", async () => {
    const first = sb.make();
    await first.run(counter("c"));
    rmSync(first.workingDir, { recursive: true, force: true });
    const fresh = sb.make();
    expect((await fresh.state()).resources["c"]).toEqual({ next: 3 });
    expect(Object.keys((await fresh.schema())?.tables ?? {})).toContain("c");
    rmSync(first.workingDir, { recursive: true, force: true });
    await sb.make().run(counter("c"));
    expect(await sb.query("SELECT id FROM $ds.c ORDER BY id")).toEqual(
      [0, 1, 2, 3, 4, 5].map((id) => ({ id })),
    );
  });

  it("keeps each pipeline's state apart in a shared dataset", async () => {
    await sb.make("one", { dataset_name: "shared" }).run(counter("c"));
    await sb.make("two", { dataset_name: "shared" }).run(counter("d", 2));
    expect((await sb.make("one", { dataset_name: "shared" }).state()).resources).toEqual({ c: { next: 3 } });
    expect((await sb.make("two", { dataset_name: "shared" }).state()).resources).toEqual({ d: { next: 2 } });
  });
});

describe("full_refresh", () => {
  it("drops the dataset's tables and the state first", async () => {
    await sb.make().run(source("s", [counter("c"), resource("other", [{ x: 1 }])]));
    const info = await sb.make("test", { full_refresh: true }).run(counter("c"));
    expect(info.rowCounts).toEqual({ c: 3 });
    expect(await sb.query("SELECT id FROM $ds.c ORDER BY id")).toEqual([0, 1, 2].map((id) => ({ id })));
    const tables = await sb.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'test_dataset' ORDER BY 1",
    );
    expect(tables.map((t) => t["table_name"])).not.toContain("other");
    expect(await sb.count("_sluice_loads")).toBe(1);
  });
});

describe("drop", () => {
  it("drops a resource's tables and state and records the drop", async () => {
    const p = sb.make();
    await p.run(
      source("s", [counter("c"), resource("keep", [{ x: 1, list: [1, 2] }]), resource("gone", [{ y: [1] }])]),
    );
    const dropped = await p.drop({ resources: ["gone", "c"] });
    expect(dropped.tables.sort()).toEqual(["c", "gone", "gone__y"]);
    const tables = await sb.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'test_dataset' AND table_name NOT LIKE '_sluice%' ORDER BY 1",
    );
    expect(tables.map((t) => t["table_name"])).toEqual(["keep", "keep__list"]);
    rmSync(p.workingDir, { recursive: true, force: true });
    const fresh = sb.make();
    expect((await fresh.state()).resources["c"]).toBeUndefined();
    expect(Object.keys((await fresh.schema())?.tables ?? {}).sort()).toEqual(["keep", "keep__list"]);
    await fresh.run(counter("c"));
    expect(await sb.count("c")).toBe(3);
  });

  it("drops everything without resources", async () => {
    const p = sb.make();
    await p.run(counter("c"));
    await p.drop();
    expect(existsSync(join(p.workingDir, "state.json"))).toBe(false);
    const tables = await sb.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'test_dataset' AND table_name NOT LIKE '_sluice%'",
    );
    expect(tables).toEqual([]);
  });
});

describe("load info and packages", () => {
  it("reports load ids, rows per table, stage timings and location; keeps only manifests of loaded packages", async () => {
    const p = sb.make();
    const info = await p.run(resource("items", [{ id: 1, tags: ["a", "b"] }]));
    expect(info.loadIds).toHaveLength(1);
    expect(info.rowCounts).toEqual({ items: 1, items__tags: 2 });
    expect(info.destination.name).toBe("duckdb");
    expect(info.destination.location).toContain(sb.dbPath);
    expect(info.datasetName).toBe("test_dataset");
    expect(info.timings.extractMs).toBeGreaterThan(0);
    expect(info.timings.normalizeMs).toBeGreaterThan(0);
    expect(info.timings.loadMs).toBeGreaterThan(0);
    const pkgDir = join(p.workingDir, "packages", info.loadIds[0]!);
    expect(readdirSync(pkgDir).sort()).toEqual(["manifest.json", "schema.json", "state.json"]);
    expect(p.listPackages().map((m) => m.status)).toEqual(["loaded"]);
    const loads = await sb.query("SELECT load_id, status FROM $ds._sluice_loads");
    expect(loads).toEqual([{ load_id: info.loadIds[0], status: 0 }]);
  });

  it("discards the package of a failed extract and commits nothing", async () => {
    const p = sb.make();
    const failing = resource("bad", async function* (ctx) {
      ctx.state["touched"] = true;
      yield { id: 1 };
      throw new Error("boom");
    });
    await expect(p.run(failing)).rejects.toThrow(/resource "bad" failed: boom/);
    expect(p.listPackages()).toEqual([]);
    expect((await p.state()).resources["bad"]).toBeUndefined();
  });
});

describe("failures", () => {
  it("discards a package whose normalization fails (frozen schema) and keeps the state where it was", async () => {
    const p = sb.make();
    await p.run(resource("t", [{ a: 1 }]));
    const frozen = resource("t", [{ a: 2, extra: "new column" }], { schema_contract: "freeze" });
    await expect(p.run(frozen)).rejects.toThrow();
    expect(p.listPackages().filter((m) => m.status !== "loaded")).toEqual([]);
    await p.run(resource("t", [{ a: 3 }], { schema_contract: "freeze" }));
    expect(await sb.query("SELECT a FROM $ds.t ORDER BY a")).toEqual([{ a: 1 }, { a: 3 }]);
  });

  it("uses SLUICE_PIPELINES_DIR when no pipelines_dir is given", async () => {
    const saved = process.env["SLUICE_PIPELINES_DIR"];
    process.env["SLUICE_PIPELINES_DIR"] = join(sb.dir, "from-env");
    try {
      const p = sb.make("envdir", { pipelines_dir: undefined });
      expect(p.workingDir).toBe(join(sb.dir, "from-env", "envdir"));
      expect(p.datasetName).toBe("envdir_dataset");
    } finally {
      if (saved === undefined) delete process.env["SLUICE_PIPELINES_DIR"];
      else process.env["SLUICE_PIPELINES_DIR"] = saved;
    }
  });
});

describe("run lock", () => {
  it("refuses a second run while the first holds the working dir, and takes over a dead owner's lock", async () => {
    const { writeFileSync, mkdirSync } = await import("node:fs");
    const p = sb.make();
    mkdirSync(p.workingDir, { recursive: true });
    // pid 1 is always alive and never this process.
    writeFileSync(join(p.workingDir, "run.lock"), "1");
    await expect(p.run(resource("t", [{ a: 1 }]))).rejects.toThrow(/already running \(pid 1\)/);
    // A pid that cannot exist: the lock of a killed run.
    writeFileSync(join(p.workingDir, "run.lock"), "2147483646");
    await p.run(resource("t", [{ a: 1 }]));
    expect(existsSync(join(p.workingDir, "run.lock"))).toBe(false);
  });
});
