import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SluiceError } from "../../src/core/errors.js";
import type { DataRecord } from "../../src/core/json.js";
import { memoryLogger } from "../../src/core/logger.js";
import { type ResourceHints, resource } from "../../src/core/resource.js";
import { type Pipeline, pipeline } from "../../src/pipeline/index.js";
import { testPgUrl, uniqueDataset } from "../support/postgres-env.js";
import { plainRows, type Row } from "./helpers/destination-packages.js";
import { CONFORMANCE_TARGETS } from "./helpers/destination-targets.js";

/**
 * One suite, every destination: the same sources through the public `pipeline(...)`, read back through
 * each destination's own client. What differs is declared (transactional or not).
 */
describe.each(CONFORMANCE_TARGETS)("conformance: $label", (target) => {
  let dir: string;
  let dataset: string;
  let pipelineName: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), `sluice-conf-${target.name}-`));
    dataset = uniqueDataset("conf");
    pipelineName = "conf";
  });
  afterEach(async () => {
    if (target.name === "postgres") {
      const client = await make().destinationClient();
      await client.dropTables([], { all: true });
      await client.close();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  function make(name = pipelineName): Pipeline {
    return pipeline({
      pipeline_name: name,
      pipelines_dir: join(dir, "pipelines"),
      dataset_name: dataset,
      logger: memoryLogger("warn"),
      ...target.options(dir, testPgUrl),
    });
  }

  async function rows(p: Pipeline, table: string, orderBy: string): Promise<Row[]> {
    const client = await p.destinationClient();
    try {
      const out = plainRows(await client.sampleRows(table, 100_000));
      return out.sort((a, b) =>
        String(a[orderBy]).localeCompare(String(b[orderBy]), "en", { numeric: true }),
      );
    } finally {
      await client.close();
    }
  }

  async function counts(p: Pipeline, tables: string[]): Promise<Record<string, number>> {
    const client = await p.destinationClient();
    try {
      return await client.rowCounts(tables);
    } finally {
      await client.close();
    }
  }

  const pick = (rs: Row[], keys: string[]) =>
    rs.map((r) => Object.fromEntries(keys.map((k) => [k, r[k] ?? null])));
  const res = (name: string, records: DataRecord[], hints: ResourceHints = {}) =>
    resource(name, () => records, hints);

  it("append: reruns add rows; nested objects flatten, lists become linked child tables", async () => {
    const p = make();
    const data = [
      { id: 1, name: "a", address: { city: "Berlin", geo: { lat: 52.5 } }, tags: ["x", "y"] },
      { id: 2, name: "b", address: { city: "Paris", geo: { lat: 48.9 } }, tags: ["z"] },
    ];
    const info = await p.run(res("users", data));
    expect(info.rowCounts).toMatchObject({ users: 2, users__tags: 3 });
    await p.run(res("users", data));
    expect(await counts(p, ["users", "users__tags"])).toEqual({ users: 4, users__tags: 6 });
    const users = await rows(p, "users", "id");
    expect(pick(users, ["id", "name", "address__city", "address__geo__lat"]).slice(0, 2)).toEqual([
      { id: 1, name: "a", address__city: "Berlin", address__geo__lat: 52.5 },
      { id: 1, name: "a", address__city: "Berlin", address__geo__lat: 52.5 },
    ]);
    const ids = new Set(users.map((u) => u._sluice_id));
    const tags = await rows(p, "users__tags", "value");
    expect(tags.map((t) => t.value)).toEqual(["x", "x", "y", "y", "z", "z"]);
    for (const t of tags) expect(ids.has(t._sluice_parent_id)).toBe(true);
  });

  it("replace: a rerun keeps only the newest rows, children included, also when it brings none", async () => {
    const p = make();
    const hints: ResourceHints = { write_disposition: "replace" };
    await p.run(
      res(
        "items",
        [
          { id: 1, tags: ["a", "b"] },
          { id: 2, tags: ["c"] },
        ],
        hints,
      ),
    );
    await p.run(res("items", [{ id: 3, tags: ["d"] }], hints));
    expect(pick(await rows(p, "items", "id"), ["id"])).toEqual([{ id: 3 }]);
    expect(pick(await rows(p, "items__tags", "value"), ["value"])).toEqual([{ value: "d" }]);
    await p.run(res("items", [], hints));
    expect(await counts(p, ["items", "items__tags"])).toEqual({ items: 0, items__tags: 0 });
  });

  it("evolves the schema: new columns appear, a value of another type goes to a variant column", async () => {
    const p = make();
    await p.run(res("evo", [{ id: 1, n: 1 }]));
    await p.run(res("evo", [{ id: 2, n: "two", extra: true }]));
    const out = await rows(p, "evo", "id");
    expect(pick(out, ["id", "n", "n__v_text", "extra"])).toEqual([
      { id: 1, n: 1, n__v_text: null, extra: null },
      { id: 2, n: null, n__v_text: "two", extra: true },
    ]);
  });

  it("restores state and schema from the destination after the working dir is deleted", async () => {
    const seen: unknown[] = [];
    const counter = () =>
      resource("counter", async function* (ctx) {
        seen.push(ctx.state["last"] ?? null);
        const last = Number(ctx.state["last"] ?? 0);
        yield [{ id: last + 1 }, { id: last + 2 }];
        ctx.state["last"] = last + 2;
      });
    await make().run(counter());
    rmSync(join(dir, "pipelines"), { recursive: true, force: true });
    const fresh = make();
    expect((await fresh.state()).resources["counter"]).toEqual({ last: 2 });
    await fresh.run(counter());
    expect(seen).toEqual([null, 2]);
    expect(pick(await rows(fresh, "counter", "id"), ["id"])).toEqual([
      { id: 1 },
      { id: 2 },
      { id: 3 },
      { id: 4 },
    ]);
    expect(Object.keys((await fresh.schema())?.tables ?? {})).toContain("counter");
  });

  it("quotes hostile identifiers: quotes, semicolons, reserved words, 200-character names", async () => {
    const p = make();
    const long = `c${"x".repeat(199)}`;
    const record = {
      'a"b': 1,
      "drop table x; --": "semi",
      select: "reserved",
      from: 2,
      [long]: "long",
      id: 7,
    };
    await p.run(res('we"ird; DROP TABLE users; --', [record], { table_name: "select" }));
    const schema = await p.schema();
    const table = Object.values(schema?.tables ?? {}).find(
      (t) => t.resource === 'we"ird; DROP TABLE users; --',
    );
    expect(table?.name).toBe("select");
    const cap = p.destination.capabilities.maxIdentifierLength;
    const names = Object.keys(table?.columns ?? {});
    for (const n of names) expect(n.length).toBeLessThanOrEqual(cap);
    const longName = names.find((n) => n.startsWith("cxxx"));
    expect(longName).toBeDefined();
    const [row] = await rows(p, "select", "id");
    expect(row?.[longName as string]).toBe("long");
    expect(Object.values(row ?? {})).toEqual(expect.arrayContaining([1, "semi", "reserved", 2, "long", 7]));
  });

  it("resumes after SIGKILL during load and after commit: every row exactly once", async () => {
    const perRun = 300;
    for (const point of ["load", "committed"]) {
      const crashed = await runChild({ SLUICE_TEST_CRASH_AT: point });
      expect(crashed.signal, crashed.stderr).toBe("SIGKILL");
    }
    const ok = await runChild({});
    expect(ok.code, ok.stderr).toBe(0);
    const p = make("conf_resume");
    const events = await rows(p, "events", "id");
    const ids = events.map((e) => Number(e.id));
    // Run 1 died before committing its package; run 2 committed that package and died before marking it
    // loaded; run 3 found it loaded (no second copy) and extracted the next ids: two loads, each once.
    expect(ids.length).toBe(2 * perRun);
    expect(new Set(ids).size).toBe(ids.length);
    expect(Math.min(...ids)).toBe(0);
    expect(Math.max(...ids)).toBe(2 * perRun - 1);
    expect(await counts(p, ["events__tags"])).toEqual({ events__tags: 2 * perRun });
    const client = await p.destinationClient();
    const loads = await client.listLoads(100);
    await client.close();
    expect(new Set(loads.map((l) => l.load_id)).size).toBe(loads.length);
    expect(loads.length).toBe(2);

    function runChild(env: Record<string, string>) {
      const child = spawn(
        process.execPath,
        ["--import", "tsx", "test/destinations/helpers/conformance-child.ts"],
        {
          cwd: process.cwd(),
          env: {
            ...process.env,
            CONF_TARGET: target.label,
            CONF_DIR: dir,
            CONF_DATASET: dataset,
            CONF_EVENTS: String(perRun),
            ...(target.name === "postgres" ? { CONF_PG_URL: testPgUrl() } : {}),
            ...env,
          },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let stderr = "";
      child.stderr?.on("data", (d: Buffer) => {
        stderr += d.toString();
      });
      return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
        child.on("exit", (code, signal) => resolve({ code, signal, stderr })),
      );
    }
  }, 120_000);

  if (!target.merge) {
    it("refuses merge before extracting, with a clear error, for every strategy", async () => {
      for (const strategy of ["delete-insert", "upsert", "scd2"] as const) {
        const p = make();
        let extracted = false;
        const r = resource(
          "m",
          () => {
            extracted = true;
            return [{ id: 1 }];
          },
          { write_disposition: { disposition: "merge", strategy }, primary_key: "id" },
        );
        const err = await p.run(r).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(SluiceError);
        expect((err as SluiceError).message).toMatch(
          new RegExp(`merge strategy "${strategy}".*${target.name}`),
        );
        expect(extracted).toBe(false);
        expect(await counts(p, ["m"])).toEqual({ m: 0 });
      }
    });
    return;
  }

  it("merge delete-insert: replaces by key, last record wins within a load, children replaced", async () => {
    const p = make();
    const hints: ResourceHints = { write_disposition: "merge", primary_key: "id" };
    await p.run(
      res(
        "users",
        [
          { id: 1, v: "a", tags: ["a1", "a2"] },
          { id: 2, v: "b", tags: ["b1"] },
        ],
        hints,
      ),
    );
    await p.run(
      res(
        "users",
        [
          { id: 2, v: "b2", tags: ["b2"] },
          { id: 3, v: "c-first", tags: ["c-first"] },
          { id: 3, v: "c-last", tags: ["c-last"] },
        ],
        hints,
      ),
    );
    expect(pick(await rows(p, "users", "id"), ["id", "v"])).toEqual([
      { id: 1, v: "a" },
      { id: 2, v: "b2" },
      { id: 3, v: "c-last" },
    ]);
    expect((await rows(p, "users__tags", "value")).map((t) => t.value)).toEqual(["a1", "a2", "b2", "c-last"]);
    await p.run(res("users", [{ id: 2, v: "b2", tags: ["b2"] }], hints));
    expect(await counts(p, ["users", "users__tags"])).toEqual({ users: 3, users__tags: 4 });
  });

  it("merge upsert: updates existing keys, inserts new ones, replaces their children", async () => {
    const p = make();
    const hints: ResourceHints = {
      write_disposition: { disposition: "merge", strategy: "upsert" },
      primary_key: ["k1", "k2"],
    };
    await p.run(res("ups", [{ k1: "a", k2: 1, v: "old", tags: ["o1", "o2"] }], hints));
    await p.run(
      res(
        "ups",
        [
          { k1: "a", k2: 1, v: "new", tags: ["n1"] },
          { k1: "a", k2: 2, v: "b", tags: [] },
        ],
        hints,
      ),
    );
    expect(pick(await rows(p, "ups", "k2"), ["k1", "k2", "v"])).toEqual([
      { k1: "a", k2: 1, v: "new" },
      { k1: "a", k2: 2, v: "b" },
    ]);
    expect((await rows(p, "ups__tags", "value")).map((t) => t.value)).toEqual(["n1"]);
  });

  it("merge scd2: retires changed and vanished records, keeps history, unchanged reruns add nothing", async () => {
    const p = make();
    const hints: ResourceHints = { write_disposition: { disposition: "merge", strategy: "scd2" } };
    await p.run(
      res(
        "dim",
        [
          { id: 1, v: "a" },
          { id: 2, v: "b" },
        ],
        hints,
      ),
    );
    await p.run(
      res(
        "dim",
        [
          { id: 1, v: "a" },
          { id: 2, v: "c" },
        ],
        hints,
      ),
    );
    await p.run(
      res(
        "dim",
        [
          { id: 1, v: "a" },
          { id: 2, v: "c" },
        ],
        hints,
      ),
    );
    let out = await rows(p, "dim", "v");
    expect(out.map((x) => [x.id, x.v, x._sluice_valid_to === null])).toEqual([
      [1, "a", true],
      [2, "b", false],
      [2, "c", true],
    ]);
    await p.run(res("dim", [{ id: 1, v: "a" }], hints));
    out = await rows(p, "dim", "v");
    expect(out.map((x) => [x.id, x.v, x._sluice_valid_to === null])).toEqual([
      [1, "a", true],
      [2, "b", false],
      [2, "c", false],
    ]);
    for (const x of out) expect(x._sluice_valid_from).not.toBeNull();
  });
});
