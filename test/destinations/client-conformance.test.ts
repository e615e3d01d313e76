import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SluiceError } from "../../src/core/errors.js";
import type { DestinationClient } from "../../src/destinations/types.js";
import type { LoadPackage } from "../../src/load/package.js";
import type { TableSchema } from "../../src/schema/types.js";
import { testPgUrl, uniqueDataset } from "../support/postgres-env.js";
import {
  childTable,
  plainRows,
  type Row,
  rootTable,
  schemaOf,
  stateOf,
  type TableRows,
  writePackage,
} from "./helpers/destination-packages.js";
import {
  CONFORMANCE_TARGETS,
  contextFor,
  makeDestination,
  openClient,
} from "./helpers/destination-targets.js";

/**
 * The destination contract, held the same way for every destination: hand-made load packages (NDJSON files
 * plus schema, as the normalizer writes them) committed through `DestinationClient`, read back through it.
 */
const work = mkdtempSync(join(tmpdir(), "sluice-dest-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let loadSeq = 0;
function nextLoadId(): string {
  loadSeq++;
  return `${1_763_000_000 + loadSeq}.${String(loadSeq).padStart(6, "0")}`;
}

describe.each(CONFORMANCE_TARGETS)("destination contract: $label", (target) => {
  let client: DestinationClient;
  const dataset = uniqueDataset("conf");
  const pipelineName = "conf_pipe";
  let stateVersion = 0;
  const make = () => makeDestination(target, work, testPgUrl);

  beforeAll(async () => {
    client = await openClient(make(), contextFor(pipelineName, dataset, join(work, "wd")));
  });
  afterAll(async () => {
    await client?.dropTables([], { all: true });
    await client?.close();
  });

  function pkg(tables: TableSchema[], data: TableRows[], resources = {}): LoadPackage {
    stateVersion++;
    return writePackage({
      dir: join(work, "packages"),
      loadId: nextLoadId(),
      schema: schemaOf("conf", tables, stateVersion),
      data,
      state: stateOf(pipelineName, stateVersion, resources),
      filesPerTable: 2,
    });
  }

  async function rows(table: string, orderBy: string): Promise<Row[]> {
    const r = plainRows(await client.sampleRows(table, 10_000));
    return r.sort((a, b) => String(a[orderBy]).localeCompare(String(b[orderBy]), "en", { numeric: true }));
  }

  function pick(rs: Row[], keys: string[]): Row[] {
    return rs.map((r) => Object.fromEntries(keys.map((k) => [k, r[k] ?? null])));
  }

  it("appends, records the load and answers isLoaded exactly once", async () => {
    const t = rootTable("events", { id: "bigint", name: "text" });
    const p1 = pkg([t], [{ table: "events", rows: [r({ id: 1, name: "a" }), r({ id: 2, name: "b" })] }]);
    expect(await client.isLoaded(p1.loadId)).toBe(false);
    await client.commitPackage(p1);
    expect(await client.isLoaded(p1.loadId)).toBe(true);
    const p2 = pkg([t], [{ table: "events", rows: [r({ id: 3, name: "c" })] }]);
    await client.commitPackage(p2);
    expect(await client.rowCounts(["events", "missing_table"])).toEqual({ events: 3, missing_table: 0 });
    const loads = await client.listLoads(10);
    expect(loads.map((l) => l.load_id)).toEqual(expect.arrayContaining([p1.loadId, p2.loadId]));
    expect(loads[0]?.status).toBe(0);
    expect(pick(await rows("events", "id"), ["id", "name"])).toEqual([
      { id: 1, name: "a" },
      { id: 2, name: "b" },
      { id: 3, name: "c" },
    ]);
  });

  it("round-trips every type and hostile text (tabs, newlines, backslashes, quotes, unicode)", async () => {
    const t = rootTable("typed", {
      id: "bigint",
      txt: "text",
      num: "double",
      flag: "bool",
      at: "timestamp",
      day: "date",
      doc: "json",
      amount: { data_type: "decimal", precision: 12, scale: 2 },
      big: "bigint",
    });
    const nasty = "tab\there\nnew \"line\" \\N back\\slash \r\n ünïcödé 😀 'quote' ; DROP TABLE x; --";
    const input = [
      r({
        id: 1,
        txt: nasty,
        num: 1.5,
        flag: true,
        at: "2024-03-01T12:34:56.789Z",
        day: "2024-03-01",
        doc: { a: [1, "x\ty"], b: { c: null, d: "\\n" } },
        amount: "1234.56",
        big: 9_007_199_254_740_991,
      }),
      r({
        id: 2,
        txt: "",
        num: -0.25,
        flag: false,
        at: "2024-03-01T23:00:00.000+00:00",
        day: "1999-12-31",
        doc: [1, 2],
        amount: "0.10",
      }),
      r({ id: 3 }),
    ];
    await client.commitPackage(pkg([t], [{ table: "typed", rows: input }]));
    const out = await rows("typed", "id");
    expect(out).toHaveLength(3);
    const [a, b, c] = out as [Row, Row, Row];
    expect(a.txt).toBe(nasty);
    expect(a.num).toBe(1.5);
    expect(a.flag).toBe(true);
    expect(new Date(String(a.at)).toISOString()).toBe("2024-03-01T12:34:56.789Z");
    expect(String(a.day).slice(0, 10)).toBe("2024-03-01");
    expect(typeof a.doc === "string" ? JSON.parse(a.doc) : a.doc).toEqual({
      a: [1, "x\ty"],
      b: { c: null, d: "\\n" },
    });
    expect(Number(a.amount)).toBe(1234.56);
    expect(a.big).toBe(9_007_199_254_740_991);
    expect(b.txt).toBe("");
    expect(b.flag).toBe(false);
    expect(new Date(String(b.at)).toISOString()).toBe("2024-03-01T23:00:00.000Z");
    expect(typeof b.doc === "string" ? JSON.parse(b.doc) : b.doc).toEqual([1, 2]);
    expect(pick([c], ["txt", "num", "flag", "at", "day", "doc", "amount", "big"])).toEqual([
      { txt: null, num: null, flag: null, at: null, day: null, doc: null, amount: null, big: null },
    ]);
  });

  it("replace keeps only the newest load, child tables included", async () => {
    const root = rootTable("rep", { id: "bigint" }, { write_disposition: "replace" });
    const kids = childTable("rep__tags", root, { value: "text" });
    const [a, aTags] = withChildren({ id: 1 }, ["x", "y"]);
    await client.commitPackage(
      pkg(
        [root, kids],
        [
          { table: "rep", rows: [a] },
          { table: "rep__tags", rows: aTags },
        ],
      ),
    );
    const [b] = withChildren({ id: 2 }, []);
    const [c, cTags] = withChildren({ id: 3 }, ["z"]);
    await client.commitPackage(
      pkg(
        [root, kids],
        [
          { table: "rep", rows: [b, c] },
          { table: "rep__tags", rows: cTags },
        ],
      ),
    );
    expect(pick(await rows("rep", "id"), ["id"])).toEqual([{ id: 2 }, { id: 3 }]);
    expect(pick(await rows("rep__tags", "value"), ["value"])).toEqual([{ value: "z" }]);
  });

  it("evolves the schema: new columns and variant columns on a later load", async () => {
    const v1 = rootTable("evo", { id: "bigint", n: "bigint" });
    await client.commitPackage(pkg([v1], [{ table: "evo", rows: [r({ id: 1, n: 1 })] }]));
    const v2 = rootTable("evo", {
      id: "bigint",
      n: "bigint",
      n__v_text: { data_type: "text", variant: true },
      extra: "text",
    });
    await client.commitPackage(
      pkg([v2], [{ table: "evo", rows: [r({ id: 2, n__v_text: "two", extra: "e" })] }]),
    );
    expect(pick(await rows("evo", "id"), ["id", "n", "n__v_text", "extra"])).toEqual([
      { id: 1, n: 1, n__v_text: null, extra: null },
      { id: 2, n: null, n__v_text: "two", extra: "e" },
    ]);
  });

  it("quotes hostile identifiers: quotes, semicolons, reserved words, 63-character names", async () => {
    const long = `t${"x".repeat(62)}`;
    const colLong = `c${"y".repeat(62)}`;
    const name = 'we"ird; drop table x; --';
    const t = rootTable(name, { select: "text", 'a"b': "bigint", [colLong]: "text", "from table": "bool" });
    const t2 = rootTable(long, { order: "bigint" });
    await client.commitPackage(
      pkg(
        [t, t2],
        [
          { table: name, rows: [r({ select: "s", 'a"b': 7, [colLong]: "long", "from table": true })] },
          { table: long, rows: [r({ order: 1 })] },
        ],
      ),
    );
    expect(await client.rowCounts([name, long])).toEqual({ [name]: 1, [long]: 1 });
    expect(pick(await rows(name, "select"), ["select", 'a"b', colLong, "from table"])).toEqual([
      { select: "s", 'a"b': 7, [colLong]: "long", "from table": true },
    ]);
  });

  it("restores the newest committed state and schema", async () => {
    const t = rootTable("st", { id: "bigint" });
    await client.commitPackage(pkg([t], [{ table: "st", rows: [r({ id: 1 })] }], { st: { cursor: 10 } }));
    const p = pkg([t], [{ table: "st", rows: [r({ id: 2 })] }], { st: { cursor: 20 } });
    await client.commitPackage(p);
    const restored = await client.restore();
    expect(restored?.state.resources).toEqual({ st: { cursor: 20 } });
    expect(restored?.state.version).toBe(p.state.version);
    expect(restored?.schema.version_hash).toBe(p.schema.version_hash);
    expect(Object.keys(restored?.schema.tables ?? {})).toContain("st");
  });

  it("drops tables", async () => {
    const t = rootTable("gone", { id: "bigint" });
    await client.commitPackage(pkg([t], [{ table: "gone", rows: [r({ id: 1 })] }]));
    await client.dropTables(["gone"]);
    expect(await client.rowCounts(["gone"])).toEqual({ gone: 0 });
  });

  if (target.name === "postgres") {
    it("refuses a dataset name PostgreSQL would truncate", async () => {
      const err = await make()
        .connect(contextFor(pipelineName, `d${"x".repeat(63)}`, work))
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SluiceError);
      expect((err as SluiceError).message).toMatch(/63-byte limit/);
    });
  }

  if (target.transactional) {
    it("commits nothing when a package fails half way (data, load row and state are one transaction)", async () => {
      const t = rootTable("atomic", { id: "bigint" });
      await client.commitPackage(pkg([t], [{ table: "atomic", rows: [r({ id: 1 })] }], { atomic: { v: 1 } }));
      const other = rootTable("atomic_other", { id: "bigint" });
      const bad = pkg(
        [t, other],
        [
          { table: "atomic", rows: [r({ id: 2 })] },
          { table: "atomic_other", rows: [r({ id: "not a number" })] },
        ],
        { atomic: { v: 2 } },
      );
      const err = await client.commitPackage(bad).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SluiceError);
      if (target.name === "postgres")
        expect(String((err as Error).message)).toMatch(/atomic_other.*id|bigint/);
      expect(await client.isLoaded(bad.loadId)).toBe(false);
      expect(await client.rowCounts(["atomic", "atomic_other"])).toEqual({ atomic: 1, atomic_other: 0 });
      expect((await client.restore())?.state.resources).toEqual({ atomic: { v: 1 } });
    });
  }

  if (!target.merge) {
    it("refuses merge clearly instead of appending", async () => {
      expect(make().capabilities.mergeStrategies).toEqual([]);
      const t = rootTable(
        "mrg",
        { id: { data_type: "bigint", primary_key: true } },
        { write_disposition: "merge" },
      );
      const p = pkg([t], [{ table: "mrg", rows: [r({ id: 1 })] }]);
      const err = await client.commitPackage(p).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SluiceError);
      expect(String((err as Error).message)).toMatch(/merge/);
      expect(await client.isLoaded(p.loadId)).toBe(false);
      expect(await client.rowCounts(["mrg"])).toEqual({ mrg: 0 });
    });
    return;
  }

  it("merge delete-insert: replaces rows by key, dedups within a load (last wins), replaces children", async () => {
    const root = rootTable("di", { id: { data_type: "bigint", primary_key: true }, v: "text" }, mergeOpts());
    const kids = childTable("di__items", root, { value: "text" });
    const [a, aKids] = withChildren({ id: 1, v: "a1" }, ["a-x", "a-y"]);
    const [b, bKids] = withChildren({ id: 2, v: "b1" }, ["b-x"]);
    const load1 = pkg(
      [root, kids],
      [
        { table: "di", rows: [a, b] },
        { table: "di__items", rows: [...aKids, ...bKids] },
      ],
    );
    await client.commitPackage(load1);
    const [b2, b2Kids] = withChildren({ id: 2, v: "b2" }, ["b2-x"]);
    const [c1, c1Kids] = withChildren({ id: 3, v: "c-first" }, ["c-first"]);
    const [c2, c2Kids] = withChildren({ id: 3, v: "c-last" }, ["c-last"]);
    await client.commitPackage(
      pkg(
        [root, kids],
        [
          { table: "di", rows: [b2, c1, c2] },
          { table: "di__items", rows: [...b2Kids, ...c1Kids, ...c2Kids] },
        ],
      ),
    );
    expect(pick(await rows("di", "id"), ["id", "v"])).toEqual([
      { id: 1, v: "a1" },
      { id: 2, v: "b2" },
      { id: 3, v: "c-last" },
    ]);
    expect(pick(await rows("di__items", "value"), ["value"])).toEqual([
      { value: "a-x" },
      { value: "a-y" },
      { value: "b2-x" },
      { value: "c-last" },
    ]);
    // A later load of a key without list items leaves no stale children behind.
    await client.commitPackage(
      pkg([root, kids], [{ table: "di", rows: [{ ...b2, _sluice_id: "rerun-b2" }] }]),
    );
    expect(await client.rowCounts(["di", "di__items"])).toEqual({ di: 3, di__items: 3 });
  });

  it("merge delete-insert with a compound merge_key deletes the whole key range", async () => {
    const root = rootTable(
      "dimk",
      {
        day: { data_type: "date", merge_key: true },
        shop: { data_type: "text", merge_key: true },
        n: "bigint",
      },
      mergeOpts(),
    );
    await client.commitPackage(
      pkg(
        [root],
        [
          {
            table: "dimk",
            rows: [
              r({ day: "2024-01-01", shop: "a", n: 1 }),
              r({ day: "2024-01-01", shop: "a", n: 2 }),
              r({ day: "2024-01-01", shop: "b", n: 3 }),
            ],
          },
        ],
      ),
    );
    await client.commitPackage(
      pkg([root], [{ table: "dimk", rows: [r({ day: "2024-01-01", shop: "a", n: 9 })] }]),
    );
    expect(pick(await rows("dimk", "n"), ["shop", "n"])).toEqual([
      { shop: "b", n: 3 },
      { shop: "a", n: 9 },
    ]);
  });

  it("merge upsert: updates existing keys, inserts new ones, replaces their children", async () => {
    const root = rootTable(
      "ups",
      {
        k1: { data_type: "text", primary_key: true },
        k2: { data_type: "bigint", primary_key: true },
        v: "text",
      },
      mergeOpts("upsert"),
    );
    const kids = childTable("ups__items", root, { value: "text" });
    const [a, aKids] = withChildren({ k1: "a", k2: 1, v: "old" }, ["old-1", "old-2"]);
    await client.commitPackage(
      pkg(
        [root, kids],
        [
          { table: "ups", rows: [a] },
          { table: "ups__items", rows: aKids },
        ],
      ),
    );
    const [a2, a2Kids] = withChildren({ k1: "a", k2: 1, v: "new" }, ["new-1"]);
    const [b] = withChildren({ k1: "a", k2: 2, v: "b" }, []);
    await client.commitPackage(
      pkg(
        [root, kids],
        [
          { table: "ups", rows: [a2, b] },
          { table: "ups__items", rows: a2Kids },
        ],
      ),
    );
    expect(pick(await rows("ups", "k2"), ["k1", "k2", "v"])).toEqual([
      { k1: "a", k2: 1, v: "new" },
      { k1: "a", k2: 2, v: "b" },
    ]);
    expect(pick(await rows("ups__items", "value"), ["value"])).toEqual([{ value: "new-1" }]);
  });

  it("merge scd2: retires changed and missing rows, inserts new versions, keeps unchanged ones", async () => {
    const root = rootTable("hist", { id: "bigint", v: "text" }, mergeOpts("scd2"));
    await client.commitPackage(
      pkg([root], [{ table: "hist", rows: [r({ id: 1, v: "a" }), r({ id: 2, v: "b" })] }]),
    );
    await client.commitPackage(
      pkg([root], [{ table: "hist", rows: [r({ id: 1, v: "a" }), r({ id: 2, v: "c" })] }]),
    );
    let out = await rows("hist", "v");
    expect(out.map((x) => [x.id, x.v, x._sluice_valid_to === null])).toEqual([
      [1, "a", true],
      [2, "b", false],
      [2, "c", true],
    ]);
    await client.commitPackage(pkg([root], [{ table: "hist", rows: [r({ id: 1, v: "a" })] }]));
    out = await rows("hist", "v");
    expect(out.map((x) => [x.id, x.v, x._sluice_valid_to === null])).toEqual([
      [1, "a", true],
      [2, "b", false],
      [2, "c", false],
    ]);
    const first = out[0] as Row;
    expect(first._sluice_valid_from).not.toBeNull();
  });

  it("merge scd2 keeps children with their root version: new versions bring theirs, history keeps its own", async () => {
    const root = rootTable("hist_kids", { id: "bigint", v: "text" }, mergeOpts("scd2"));
    const kids = childTable("hist_kids__items", root, { value: "text" });
    const [a, aKids] = withChildren({ id: 1, v: "a" }, ["a1", "a2", "a3"]);
    await client.commitPackage(
      pkg(
        [root, kids],
        [
          { table: "hist_kids", rows: [a] },
          { table: "hist_kids__items", rows: aKids },
        ],
      ),
    );
    const [a2, a2Kids] = withChildren({ id: 1, v: "a-changed" }, ["b1", "b2", "b3", "b4"]);
    await client.commitPackage(
      pkg(
        [root, kids],
        [
          { table: "hist_kids", rows: [a2] },
          { table: "hist_kids__items", rows: a2Kids },
        ],
      ),
    );
    // An unchanged rerun adds neither a version nor children.
    const [a3, a3Kids] = withChildren({ id: 1, v: "a-changed" }, ["b1", "b2", "b3", "b4"]);
    await client.commitPackage(
      pkg(
        [root, kids],
        [
          { table: "hist_kids", rows: [a3] },
          { table: "hist_kids__items", rows: a3Kids },
        ],
      ),
    );
    const versions = await rows("hist_kids", "v");
    expect(versions.map((x) => [x.v, x._sluice_valid_to === null])).toEqual([
      ["a", false],
      ["a-changed", true],
    ]);
    const items = await rows("hist_kids__items", "value");
    expect(items.map((x) => [x.value, x._sluice_root_id])).toEqual([
      ["a1", a._sluice_id],
      ["a2", a._sluice_id],
      ["a3", a._sluice_id],
      ["b1", a2._sluice_id],
      ["b2", a2._sluice_id],
      ["b3", a2._sluice_id],
      ["b4", a2._sluice_id],
    ]);
  });

  it("merge upsert without a primary_key is refused, nothing committed (as dlt's load)", async () => {
    const root = rootTable(
      "ups_mk",
      { k: { data_type: "text", merge_key: true }, v: "text" },
      mergeOpts("upsert"),
    );
    const refused = pkg([root], [{ table: "ups_mk", rows: [r({ k: "a", v: "1" })] }]);
    await expect(client.commitPackage(refused)).rejects.toThrow(
      /table "ups_mk": merge strategy upsert needs a primary_key/,
    );
    expect(await client.isLoaded(refused.loadId)).toBe(false);
  });

  it("merge scd2 with a merge_key only retires rows within the keys in the load", async () => {
    const root = rootTable(
      "hist_mk",
      { id: { data_type: "bigint", merge_key: true }, v: "text" },
      mergeOpts("scd2"),
    );
    await client.commitPackage(
      pkg([root], [{ table: "hist_mk", rows: [r({ id: 1, v: "a" }), r({ id: 2, v: "b" })] }]),
    );
    await client.commitPackage(pkg([root], [{ table: "hist_mk", rows: [r({ id: 2, v: "b2" })] }]));
    const out = await rows("hist_mk", "v");
    expect(out.map((x) => [x.id, x.v, x._sluice_valid_to === null])).toEqual([
      [1, "a", true],
      [2, "b", false],
      [2, "b2", true],
    ]);
  });
});

function mergeOpts(strategy: "delete-insert" | "upsert" | "scd2" = "delete-insert") {
  return { write_disposition: "merge" as const, merge_strategy: strategy };
}

let idSeq = 0;
/** A root row: ids as the normalizer writes them, `_sluice_rec` = the source record's sequence number. */
function r(row: Row): Row {
  idSeq++;
  return { _sluice_id: `r${idSeq}`, _sluice_rec: idSeq, ...row };
}

/** A root row and its list items as child rows linked by parent and root id. */
function withChildren(row: Row, values: string[]): [Row, Row[]] {
  const root = r(row);
  const id = root._sluice_id as string;
  return [
    root,
    values.map((value, i) =>
      r({
        value,
        _sluice_parent_id: id,
        _sluice_root_id: id,
        _sluice_list_idx: i,
        _sluice_rec: root._sluice_rec,
      }),
    ),
  ];
}
