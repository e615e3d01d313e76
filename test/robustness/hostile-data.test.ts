import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import fc from "fast-check";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATA_TYPES } from "../../src/core/resource.js";
import { DuckdbConnection } from "../../src/destinations/duckdb/duckdb-connection.js";
import { DUCKDB_MAX_IDENTIFIER_LENGTH } from "../../src/destinations/duckdb/duckdb-dialect.js";
import { PG_MAX_IDENTIFIER_LENGTH } from "../../src/destinations/postgres/postgres-dialect.js";
import { pipeline } from "../../src/pipeline/index.js";
import { inferStringType } from "../../src/schema/infer.js";
import {
  joinPath,
  normalizeIdentifier,
  normalizeTableName,
  shortenIdentifier,
} from "../../src/schema/naming.js";
import { restApiSource } from "../../src/sources/rest_api/index.js";
import { tempDir } from "../support/demo-cli.js";
import { testPgUrl } from "../support/postgres-env.js";

/**
 * Property-based hostile data, through the real pipeline (loopback API → JSON parse → normalize → load)
 * into DuckDB and PostgreSQL, read back as text and compared with the relational shape DESIGN §4
 * promises: nested objects flatten into `a__b` columns, lists become `<table>__<field>` child tables
 * (scalars in `value`) linked by `_sluice_parent_id` and ordered by `_sluice_list_idx`, a value that does
 * not fit its column lands in a `<col>__v_<type>` variant column. Field and table names are hostile
 * (quotes, semicolons, backslashes, SQL keywords, unicode, empty): they must neither break a load nor
 * reach the database as SQL.
 */

/** Names chosen to break quoting: every one must load as a plain column or table. */
const HOSTILE_NAMES = [
  'a"b',
  "it's",
  "x; DROP TABLE canary; --",
  "back\\slash",
  "select",
  "from",
  "order",
  "user",
  "Größe",
  "日本語",
  "🙂 emoji",
  "",
  " ",
  "Robert'); DROP TABLE canary;--",
  "$1",
  "%s",
  "a.b",
  "camelCaseName",
  "\\N",
  "tab\there",
  "line\nbreak",
  "ع ر ب ي",
  "x".repeat(80),
];
/** Strings that stress COPY and quoting: escape markers, NULL spellings, control characters. */
const HOSTILE_TEXT = [
  "",
  "\\N",
  "NULL",
  "null",
  "'",
  '"',
  "\\",
  "\\\\",
  "\t",
  "\n",
  "\r\n",
  "a,b",
  "|",
  "'; DROP TABLE canary; --",
  "\u2028",
  "\u{1F600}",
  "e\u0301",
  "\u00a0",
  // Lone surrogates: valid JSON escapes, no Unicode character; stored as U+FFFD, as UTF-8 encoders do.
  "lone \ud800 high",
  "\udc00 low first",
  "\\ud800 (an escaped backslash, not a surrogate)",
];

type Kind =
  | "text"
  | "int"
  | "int64"
  | "decimal"
  | "digits"
  | "double"
  | "bool"
  | "nested"
  | "deep"
  | "texts"
  | "objects"
  | "mixed";
const KINDS: Kind[] = [
  "text",
  "int",
  "int64",
  "decimal",
  "digits",
  "double",
  "bool",
  "nested",
  "deep",
  "texts",
  "objects",
  "mixed",
];

interface Field {
  name: string;
  kind: Kind;
  /** For `nested`: the inner key; for `deep`: the depth. */
  inner: string;
  depth: number;
}

/** A JSON value, with integers that must stay exact spelled as bigint. */
type Value = null | boolean | number | bigint | string | Value[] | { [k: string]: Value };

const text = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_TEXT) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme-ascii", minLength: 2000, maxLength: 6000 }) },
);
// A string that looks like a date becomes a date or timestamp column by design; that is inference, not this test.
const plainText = text.filter((s) => inferStringType(s) === "text");
const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const fraction = fc
  .double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 })
  .filter((d) => !Number.isInteger(d));

function valueArb(kind: Kind, f: Field): fc.Arbitrary<Value> {
  switch (kind) {
    case "text":
      return plainText;
    case "int":
      return fc.integer({ min: -(2 ** 31), max: 2 ** 31 });
    case "int64":
      return int64;
    case "decimal":
      // Beyond int64, within 38 digits: a DECIMAL(38,0) column, every digit kept.
      return fc.oneof(
        fc.bigInt({ min: 2n ** 63n, max: 10n ** 38n - 1n }),
        fc.bigInt({ min: -(10n ** 38n) + 1n, max: -(2n ** 63n) - 1n }),
      );
    case "digits":
      // Beyond 38 digits: no SQL number holds it, so it is text, still every digit.
      return fc.bigInt({ min: 10n ** 38n, max: 10n ** 60n });
    case "double":
      return fraction;
    case "bool":
      return fc.boolean();
    case "nested":
      return plainText.map((s) => ({ [f.inner]: s }));
    case "deep":
      return fc.integer().map((n) => {
        let v: Value = { v: n };
        for (let i = 0; i < f.depth; i++) v = { x: v };
        return v;
      });
    case "texts":
      return fc.array(plainText, { maxLength: 4 });
    case "objects":
      return fc.array(fc.record({ k: fc.integer(), t: plainText }), { maxLength: 3 });
    case "mixed":
      return fc.oneof(plainText, fc.integer(), fc.boolean());
  }
}

const nameArb = fc.oneof(fc.constantFrom(...HOSTILE_NAMES), fc.string({ unit: "grapheme", maxLength: 10 }));
const fieldArb: fc.Arbitrary<Field> = fc.record({
  name: nameArb,
  kind: fc.constantFrom(...KINDS),
  inner: nameArb,
  depth: fc.integer({ min: 1, max: 40 }),
});

interface Case {
  table: string;
  fields: Field[];
  records: Array<Record<string, Value>>;
}

/** Field names whose columns (and child tables) cannot collide with each other or with `id`. */
function distinctFields(fields: Field[]): Field[] {
  const seen = new Set<string>(["id"]);
  return fields.filter((f) => {
    const n = normalizeIdentifier(f.name);
    if (seen.has(n) || n.startsWith("_sluice") || n.startsWith("x_sluice")) return false;
    seen.add(n);
    return true;
  });
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    // A resource needs a name (the config refuses an empty one); any other string goes.
    table: nameArb.filter((n) => n.trim() !== "" && normalizeIdentifier(n) !== "canary"),
    fields: fc.array(fieldArb, { minLength: 1, maxLength: 5 }).map(distinctFields),
  })
  .chain(({ table, fields }) => {
    const record = fc.record(
      Object.fromEntries(
        fields.map((f, i) => [
          `f${i}`,
          fc.oneof(
            { weight: 6, arbitrary: valueArb(f.kind, f) },
            { weight: 1, arbitrary: fc.constant(null) },
            { weight: 1, arbitrary: fc.constant(undefined) },
          ),
        ]),
      ),
    );
    return fc.array(record, { minLength: 1, maxLength: 6 }).map((rows) => ({
      table,
      fields,
      records: rows.map((r, id) => {
        const out: Record<string, Value> = { id };
        fields.forEach((f, i) => {
          const v = (r as Record<string, Value | undefined>)[`f${i}`];
          if (v !== undefined) out[f.name] = v;
        });
        return out;
      }),
    }));
  });

/**
 * Several cases per pipeline run, each its own resource. A `t<i> ` prefix keeps their tables apart (a
 * hostile name still follows it) so one case's child table can never be another's root.
 */
const casesArb: fc.Arbitrary<Case[]> = fc
  .array(caseArb, { minLength: 1, maxLength: 6 })
  .map((cases) => cases.map((c, i) => ({ ...c, table: `t${i} ${c.table}` })));
/** Property runs per destination: each is one pipeline run of up to six resources. */
const RUNS = 25;
// The time bound keeps a slow machine from running on; hitting it is not a failure (fewer cases ran).
const PROPERTY_RUN = { numRuns: RUNS, interruptAfterTimeLimit: 45_000 };

/** JSON as an API sends it: bigints as bare digits. */
function toJson(v: unknown): string {
  const marks: string[] = [];
  const s = JSON.stringify(v, (_k, x) => {
    if (typeof x !== "bigint") return x;
    marks.push(x.toString());
    return `\u0000big${marks.length - 1}\u0000`;
  });
  return s.replace(/"\\u0000big(\d+)\\u0000"/g, (_m, i: string) => marks[Number(i)]!);
}

/** One expected cell: a column (by its final name) and the text the destination must give back. */
interface Cell {
  column: string;
  value: Value;
  kind: Kind;
}
interface ExpectedTable {
  /** Root rows: id → cells; child rows: `id/idx` → cells. */
  rows: Map<string, Cell[]>;
}

/** The tables and cells a user expects from the records (DESIGN §4), with identifiers fitted to `maxLen`. */
function expectedShape(c: Case, maxLen: number): { root: string; tables: Map<string, ExpectedTable> } {
  const root = normalizeTableName(c.table, maxLen);
  const tables = new Map<string, ExpectedTable>([[root, { rows: new Map() }]]);
  const add = (table: string, key: string, cell: Cell) => {
    let t = tables.get(table);
    if (!t) {
      t = { rows: new Map() };
      tables.set(table, t);
    }
    const row = t.rows.get(key) ?? [];
    row.push(cell);
    t.rows.set(key, row);
  };
  const col = (...segments: string[]) =>
    shortenIdentifier(segments.map(normalizeIdentifier).reduce(joinPath, ""), maxLen);
  for (const r of c.records) {
    const id = String(r.id);
    add(root, id, { column: "id", value: r.id as number, kind: "int" });
    for (const f of c.fields) {
      const v = r[f.name];
      if (v === undefined || v === null) continue;
      const base = normalizeIdentifier(f.name);
      if (f.kind === "nested") {
        const inner = (v as Record<string, Value>)[f.inner];
        add(root, id, { column: col(f.name, f.inner), value: inner ?? null, kind: "text" });
      } else if (f.kind === "deep") {
        const path = [f.name, ...Array.from({ length: f.depth }, () => "x"), "v"];
        let leaf: Value = v;
        for (let i = 0; i < f.depth; i++) leaf = (leaf as Record<string, Value>)["x"] ?? null;
        add(root, id, {
          column: col(...path),
          value: (leaf as Record<string, Value>)["v"] ?? null,
          kind: "int",
        });
      } else if (f.kind === "texts" || f.kind === "objects") {
        // The field is named (and shortened) in its parent's namespace first, then joined to the table's name.
        const child = shortenIdentifier(joinPath(root, shortenIdentifier(base, maxLen)), maxLen);
        (v as Value[]).forEach((item, idx) => {
          if (f.kind === "texts") add(child, `${id}/${idx}`, { column: "value", value: item, kind: "text" });
          else {
            const o = item as Record<string, Value>;
            add(child, `${id}/${idx}`, { column: "k", value: o["k"] ?? null, kind: "int" });
            add(child, `${id}/${idx}`, { column: "t", value: o["t"] ?? null, kind: "text" });
          }
        });
      } else add(root, id, { column: col(f.name), value: v, kind: f.kind });
    }
  }
  return { root, tables };
}

const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
function wellFormed(s: string): string {
  return s.replace(LONE, "\ufffd");
}

/** Text a destination gives back for a value, when it is stored as a column of its own JSON type. */
function matches(read: string | null, cell: Cell): boolean {
  if (read === null) return cell.value === null;
  const v = cell.value;
  if (typeof v === "number") return Number(read) === v;
  if (typeof v === "bigint") return read === v.toString();
  if (typeof v === "boolean") return read === String(v) || read === (v ? "t" : "f");
  return typeof v === "string" && read === wellFormed(v);
}

/** Reads every table of a dataset, every column as text, keyed like `expectedShape`. */
type Reader = (sql: string) => Promise<Array<Record<string, string | null>>>;

async function readDataset(
  read: Reader,
  dataset: string,
  quote: (id: string) => string,
  expected: ReturnType<typeof expectedShape>,
): Promise<Map<string, Map<string, Record<string, string | null>>>> {
  const columns = await read(
    `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = '${dataset}' ORDER BY table_name, ordinal_position`,
  );
  const byTable = new Map<string, string[]>();
  for (const c of columns) {
    const t = c.table_name!;
    if (!expected.tables.has(t)) continue;
    byTable.set(t, [...(byTable.get(t) ?? []), c.column_name!]);
  }
  const root = expected.root;
  const out = new Map<string, Map<string, Record<string, string | null>>>();
  const q = (t: string) => `${quote(dataset)}.${quote(t)}`;
  for (const [table, cols] of byTable) {
    const data = cols.filter((c) => !c.startsWith("_sluice_"));
    const sql =
      table === root
        ? `SELECT ${data.map((c) => `CAST(${quote(c)} AS VARCHAR) AS ${quote(c)}`).join(", ")} FROM ${q(table)}`
        : // A child row is keyed by its root record's id and its index in the list.
          `SELECT CAST(r.${quote("id")} AS VARCHAR) || '/' || CAST(c.${quote("_sluice_list_idx")} AS VARCHAR) AS ${quote("__key")}, ${data
            .map((c) => `CAST(c.${quote(c)} AS VARCHAR) AS ${quote(c)}`)
            .join(
              ", ",
            )} FROM ${q(table)} c JOIN ${q(root)} r ON c.${quote("_sluice_parent_id")} = r.${quote("_sluice_id")}`;
    const rows = new Map<string, Record<string, string | null>>();
    for (const r of await read(sql)) rows.set(table === root ? String(r["id"]) : String(r["__key"]), r);
    out.set(table, rows);
  }
  return out;
}

/** Every data table of a dataset (system tables aside). */
async function tablesOf(read: Reader, dataset: string): Promise<string[]> {
  const rows = await read(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = '${dataset}'`,
  );
  return rows.map((r) => r.table_name!).filter((t) => !t.startsWith("_sluice_"));
}

function compare(
  c: Case,
  expected: ReturnType<typeof expectedShape>,
  actual: Awaited<ReturnType<typeof readDataset>>,
  maxLen: number,
) {
  const context = () => JSON.stringify({ table: c.table, fields: c.fields, records: toJson(c.records) });
  expect(actual.get(expected.root)?.size, `root rows: ${context()}`).toBe(c.records.length);
  for (const [table, t] of expected.tables) {
    const rows = actual.get(table);
    if (t.rows.size === 0) continue;
    expect(rows?.size, `rows of ${table}: ${context()}`).toBe(t.rows.size);
    for (const [key, cells] of t.rows) {
      const row = rows?.get(key);
      expect(row, `row ${key} of ${table}: ${context()}`).toBeDefined();
      for (const cell of cells) {
        if (cell.kind === "mixed") {
          // The first type seen owns the column; a value that cannot be coerced to it sits in a variant.
          // A variant of a long column is shortened as a whole, so its name need not start with the column's.
          const variants = new Set(
            DATA_TYPES.map((t) => shortenIdentifier(`${cell.column}__v_${t}`, maxLen)),
          );
          const candidates = Object.keys(row!).filter((k) => k === cell.column || variants.has(k));
          const hits = candidates.filter(
            (k) => matches(row![k] ?? null, cell) || row![k] === String(cell.value),
          );
          expect(
            hits.length,
            `${table}.${cell.column} row ${key} = ${toJson(cell.value)}: ${context()}`,
          ).toBe(1);
        } else
          expect(
            matches(row![cell.column] ?? null, cell),
            `${table}.${cell.column} row ${key}: got ${JSON.stringify(row![cell.column])}, want ${toJson(cell.value)}; ${context()}`,
          ).toBe(true);
      }
    }
  }
}

describe("hostile data through the real pipeline (property-based)", () => {
  let server: Server;
  let url = "";
  let bodies = new Map<string, string>();
  let scratch: ReturnType<typeof tempDir>;
  let runs = 0;
  beforeAll(async () => {
    scratch = tempDir("hostile-data");
    server = createServer((req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(bodies.get(req.url ?? "") ?? "[]");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    scratch.remove();
  });

  /** One pipeline run loading every case as its own resource (one run per case would take seconds each). */
  const load = async (cases: Case[], destination: string, options: Record<string, unknown>) => {
    runs++;
    const name = `hostile_${process.pid}_${Date.now().toString(36)}_${runs}`;
    bodies = new Map(cases.map((c, i) => [`/r${i}`, toJson(c.records)]));
    const source = restApiSource({
      client: { base_url: url },
      resources: cases.map((c, i) => ({
        name: c.table,
        endpoint: { path: `/r${i}`, paginator: "single_page" },
      })),
    });
    await pipeline({
      pipeline_name: name,
      pipelines_dir: join(scratch.dir, "pipelines"),
      destination,
      destination_options: options,
    }).run(source);
    return `${name}_dataset`;
  };

  const quote = (id: string) => `"${id.replaceAll('"', '""')}"`;

  async function check(read: Reader, cases: Case[], dataset: string, maxLen: number): Promise<void> {
    const shapes = cases.map((c) => expectedShape(c, maxLen));
    const expectedTables = new Set(shapes.flatMap((e) => [...e.tables.keys()]));
    // No table beyond the expected ones: nothing a name spelled was run as SQL (an empty list makes none).
    for (const t of await tablesOf(read, dataset))
      expect(
        expectedTables.has(t),
        `unexpected table ${t} from ${JSON.stringify(cases.map((c) => c.table))}`,
      ).toBe(true);
    for (const [i, c] of cases.entries())
      compare(c, shapes[i]!, await readDataset(read, dataset, quote, shapes[i]!), maxLen);
  }

  it("DuckDB: every value reads back where the relational shape puts it; names cannot inject SQL", async () => {
    const dbPath = join(scratch.dir, "hostile.duckdb");
    const withDb = async <T>(f: (read: Reader) => Promise<T>): Promise<T> => {
      const conn = await DuckdbConnection.open(dbPath);
      try {
        return await f((sql) => conn.query(sql) as Promise<Array<Record<string, string | null>>>);
      } finally {
        conn.close();
      }
    };
    // Where an injected `DROP TABLE canary` would land: the connection's default schema.
    await withDb((read) => read("CREATE TABLE IF NOT EXISTS canary (x INTEGER)"));
    await fc.assert(
      fc.asyncProperty(casesArb, async (cases) => {
        const dataset = await load(cases, "duckdb", { duckdb: { path: dbPath } });
        await withDb((read) => check(read, cases, dataset, DUCKDB_MAX_IDENTIFIER_LENGTH));
      }),
      PROPERTY_RUN,
    );
    const canary = await withDb((read) => read("SELECT count(*)::VARCHAR AS n FROM canary"));
    expect(canary).toEqual([{ n: "0" }]);
  }, 60_000);

  it("PostgreSQL: every value reads back where the relational shape puts it; names cannot inject SQL", async () => {
    const pgUrl = testPgUrl();
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    const created: string[] = [];
    const read: Reader = async (sql) =>
      (await client.query(sql.replaceAll("AS VARCHAR)", "AS TEXT)"))).rows as Array<
        Record<string, string | null>
      >;
    try {
      await client.query("CREATE TABLE IF NOT EXISTS canary (x int)");
      await fc.assert(
        fc.asyncProperty(casesArb, async (cases) => {
          const dataset = await load(cases, pgUrl, {});
          created.push(dataset);
          await check(read, cases, dataset, PG_MAX_IDENTIFIER_LENGTH);
        }),
        PROPERTY_RUN,
      );
      const canary = await client.query("SELECT count(*)::text AS n FROM canary");
      expect(canary.rows).toEqual([{ n: "0" }]);
    } finally {
      for (const d of created)
        await client.query(`DROP SCHEMA IF EXISTS ${quote(d)} CASCADE`).catch(() => {});
      await client.query("DROP TABLE IF EXISTS canary").catch(() => {});
      await client.end();
    }
  }, 60_000);
});
