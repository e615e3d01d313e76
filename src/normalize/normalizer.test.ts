import { describe, expect, it } from "vitest";
import type { SluiceError } from "../core/errors.js";
import type { DataRecord } from "../core/json.js";
import type { ResourceHints } from "../core/resource.js";
import { SchemaContractError } from "../schema/contract.js";
import type { StoredSchema } from "../schema/types.js";
import { Normalizer } from "./normalizer.js";

type Row = Record<string, unknown>;

class Capture {
  readonly rows = new Map<string, Row[]>();
  readonly sink = (table: string, row: Row): void => {
    let list = this.rows.get(table);
    if (list === undefined) {
      list = [];
      this.rows.set(table, list);
    }
    list.push(row);
  };
  of(table: string): Row[] {
    return this.rows.get(table) ?? [];
  }
}

function setup(hints: ResourceHints = {}, schema: StoredSchema | null = null, max = 63) {
  const n = new Normalizer(schema, "test", { maxIdentifierLength: max });
  const table = n.registerResource("items", hints);
  const out = new Capture();
  const feed = (...records: DataRecord[]): boolean[] =>
    records.map((r) => n.normalize("items", r, "L1", out.sink));
  return { n, out, table, feed };
}

/** A schema where table `items` has seen data with columns id (bigint), name (text), tags child table. */
function establishedSchema(hints: ResourceHints = {}): StoredSchema {
  const { n, feed } = setup(hints);
  feed({ id: 1, name: "a", tags: ["x"] });
  return JSON.parse(JSON.stringify(n.schema())) as StoredSchema;
}

describe("naming in records", () => {
  it("snake_cases keys, flattens nested objects with __ and names child tables <table>__<field>", () => {
    const { out, n, table } = setup({ table_name: "MyItems" });
    expect(table).toBe("my_items");
    n.normalize(
      "items",
      { businessName: "x", Properties: { countryCode: "DE" }, lineItems: [{ a: 1 }] },
      "L",
      out.sink,
    );
    expect(out.of("my_items")[0]).toMatchObject({ business_name: "x", properties__country_code: "DE" });
    expect(out.of("my_items__line_items")[0]).toMatchObject({ a: 1 });
  });

  it("handles unicode, empty, numeric and reserved keys", () => {
    const { out, feed } = setup();
    feed({ Größe: 1, "": 2, "1st": 3, _sluice_id: "mine", select: "kw" });
    const row = out.of("items")[0]!;
    expect(row).toMatchObject({ größe: 1, _empty: 2, _1st: 3, x_sluice_id: "mine", select: "kw" });
    expect(typeof row._sluice_id).toBe("string");
    expect(row._sluice_id).not.toBe("mine");
  });

  it("resolves collisions by first-seen order, stored in the schema so reruns agree", () => {
    const first = setup();
    first.feed({ aB: 1, a_b: 2 });
    expect(first.out.of("items")[0]).toMatchObject({ a_b: 1, a_b_1: 2 });
    const stored = first.n.schema();
    // A later run sees the keys in the opposite order and still maps them the same way.
    const second = setup({}, stored);
    second.feed({ a_b: 20, aB: 10 });
    expect(second.out.of("items")[0]).toMatchObject({ a_b: 10, a_b_1: 20 });
    expect(second.n.changed).toBe(false);
  });

  it("keeps variant names within the identifier limit", () => {
    const { out, n, feed } = setup({}, null, 20);
    feed({ aVeryLongFieldName: 1 }, { aVeryLongFieldName: "text now" });
    const cols = Object.keys(n.schema().tables.items!.columns);
    for (const c of cols) expect(c.length).toBeLessThanOrEqual(20);
    const variant = cols.find((c) => n.schema().tables.items!.columns[c]!.variant === true)!;
    expect(out.of("items")[1]![variant]).toBe("text now");
  });

  it("gives colliding list fields distinct child tables", () => {
    const { out, feed } = setup();
    feed({ myTags: ["a"], my_tags: ["b"] });
    expect(out.of("items__my_tags")[0]!.value).toBe("a");
    expect(out.of("items__my_tags_1")[0]!.value).toBe("b");
  });

  it("shortens long column and table names to the destination limit, stably", () => {
    const long = "averyveryverylongfieldname_thatkeepsgoing";
    const a = setup({}, null, 24);
    a.feed({ [long]: 1, nested: { [long]: [1] } });
    const b = setup({}, null, 24);
    b.feed({ [long]: 1, nested: { [long]: [1] } });
    const cols = Object.keys(a.out.of("items")[0]!);
    for (const c of cols) expect(c.length).toBeLessThanOrEqual(24);
    expect(cols).toEqual(Object.keys(b.out.of("items")[0]!));
    const tables = Object.keys(a.n.schema().tables);
    expect(tables).toHaveLength(2);
    for (const t of tables) expect(t.length).toBeLessThanOrEqual(24);
    expect(tables).toEqual(Object.keys(b.n.schema().tables));
  });
});

describe("type inference and emitted values", () => {
  it("infers every type and emits JSON-friendly values", () => {
    const { out, n, feed } = setup({
      columns: { price: { data_type: "decimal", precision: 10, scale: 2 } },
      max_table_nesting: 1,
    });
    feed({
      big: 2 ** 40,
      dbl: 1.25,
      flag: false,
      txt: "12",
      ts: "2024-05-01T10:00:00+02:00",
      day: "2024-05-01",
      price: 12.5,
      huge: 2n ** 70n,
      when: new Date(Date.UTC(2024, 0, 2)),
      deep: { inner: { x: 1 } },
    });
    const row = out.of("items")[0]!;
    expect(row).toMatchObject({
      big: 2 ** 40,
      dbl: 1.25,
      flag: false,
      txt: "12",
      ts: "2024-05-01T08:00:00Z",
      day: "2024-05-01",
      price: "12.5",
      huge: "1180591620717411303424",
      when: "2024-01-02T00:00:00.000Z",
      deep__inner: { x: 1 },
    });
    const cols = n.schema().tables.items!.columns;
    const types = Object.fromEntries(Object.values(cols).map((c) => [c.name, c.data_type]));
    expect(types).toMatchObject({
      big: "bigint",
      dbl: "double",
      flag: "bool",
      txt: "text",
      ts: "timestamp",
      day: "date",
      price: "decimal",
      huge: "decimal",
      when: "timestamp",
      deep__inner: "json",
    });
    expect(cols.price).toMatchObject({ precision: 10, scale: 2 });
  });

  it("does not create columns for nulls until a value arrives", () => {
    const { out, n, feed } = setup();
    feed({ id: 1, maybe: null, obj: { x: null } });
    expect(n.schema().tables.items!.columns.maybe).toBeUndefined();
    expect(n.schema().tables.items!.columns.obj__x).toBeUndefined();
    feed({ id: 2, maybe: "now" });
    expect(n.schema().tables.items!.columns.maybe!.data_type).toBe("text");
    expect(out.of("items")[1]!.maybe).toBe("now");
  });
});

describe("evolution and variants", () => {
  it("adds new columns and routes values that do not fit to <col>__v_<type>", () => {
    const { out, n, feed } = setup();
    feed({ id: 1, score: 3, label: "x", at: "2024-05-01T00:00:00Z" });
    feed({ id: 2, score: 2.5, label: 7, at: "tomorrow", extra: true });
    feed({ id: 3, score: "n/a" });
    const rows = out.of("items");
    expect(rows[1]).toMatchObject({ score: 2.5, label: "7", at__v_text: "tomorrow", extra: true });
    expect(rows[2]).toMatchObject({ score__v_text: "n/a" });
    const cols = n.schema().tables.items!.columns;
    // An integral then a fractional number: one double column (see "whole-number floats" below).
    expect(cols.score!.data_type).toBe("double");
    expect(cols.score__v_double).toBeUndefined();
    expect(cols.score__v_text).toMatchObject({ data_type: "text", variant: true });
    expect(cols.extra!.data_type).toBe("bool");
  });

  it("coerces ints into double columns without variants", () => {
    const { out, n, feed } = setup();
    feed({ v: 1.5 }, { v: 2 });
    expect(out.of("items")[1]!.v).toBe(2);
    expect(Object.keys(n.schema().tables.items!.columns)).not.toContain("v__v_bigint");
  });
});

describe("whole-number floats", () => {
  it("4.0 (parsed as 4) then 4.5, or 4.5 then 4.0, is one double column without a variant", () => {
    for (const order of [
      [4, 4.5],
      [4.5, 4],
    ]) {
      const { out, n, feed } = setup();
      feed(...order.map((rating, id) => ({ id, rating })));
      expect(out.of("items").map((r) => r.rating)).toEqual(order);
      expect(columnsOf(n).rating!.data_type).toBe("double");
      expect(Object.keys(columnsOf(n))).not.toContain("rating__v_double");
    }
  });

  it("widens a bigint column of an earlier run to double", () => {
    const first = setup();
    first.feed({ id: 1, rating: 4 });
    const stored = first.n.schema();
    expect(stored.tables.items!.columns.rating!.data_type).toBe("bigint");
    const second = setup({}, stored);
    second.feed({ id: 2, rating: 4.5 }, { id: 3, rating: 5 });
    expect(second.out.of("items").map((r) => r.rating)).toEqual([4.5, 5]);
    expect(columnsOf(second.n).rating!.data_type).toBe("double");
    expect(Object.keys(columnsOf(second.n))).not.toContain("rating__v_double");
    expect(second.n.changed).toBe(true);
  });

  it("keeps hinted, key and frozen columns as they are (a variant, as before)", () => {
    const hinted = setup({ columns: { rating: { data_type: "bigint" } } });
    hinted.feed({ rating: 4 }, { rating: 4.5 });
    expect(columnsOf(hinted.n).rating!.data_type).toBe("bigint");
    expect(hinted.out.of("items")[1]!.rating__v_double).toBe(4.5);
    const base = establishedSchema();
    expect(() => setup({ schema_contract: { data_type: "freeze" } }, base).feed({ id: 1.5 })).toThrow(
      /value for column "id" of type bigint/,
    );
  });

  it("a discarded record does not leave its widening behind", () => {
    const base = establishedSchema();
    const { feed, n } = setup({ schema_contract: { columns: "discard_row" } }, base);
    expect(feed({ id: 1.5, brand_new: 1 })).toEqual([false]);
    expect(columnsOf(n).id!.data_type).toBe("bigint");
  });

  it("an integral double beyond 2^53 (1e20) makes a double column, never a bigint it would overflow", () => {
    const { out, n, feed } = setup();
    feed({ big: 1e20 }, { n: 5 }, { n: 1e20 });
    expect(columnsOf(n).big!.data_type).toBe("double");
    expect(columnsOf(n).n!.data_type).toBe("double");
    expect(out.of("items")[2]!.n).toBe(1e20);
  });
});

describe("exact integers (bigint from the JSON parser)", () => {
  it("int64 ids stay exact and distinct, as values and as merge keys", () => {
    const { out, n, feed } = setup({ write_disposition: "merge", primary_key: "id" });
    feed({ id: 1234567890123456789n }, { id: 1234567890123456791n }, { id: 7 });
    const rows = out.of("items");
    expect(rows.map((r) => r.id)).toEqual(["1234567890123456789", "1234567890123456791", 7]);
    expect(new Set(rows.map((r) => r._sluice_id)).size).toBe(3);
    expect(columnsOf(n).id!.data_type).toBe("bigint");
  });

  it("beyond int64: decimal(38,0), beyond 38 digits: text; never rounded", () => {
    const { out, n, feed } = setup();
    const huge = 10n ** 40n + 1n;
    feed({ d: 12345678901234567890n, t: huge });
    expect(columnsOf(n).d).toMatchObject({ data_type: "decimal", precision: 38, scale: 0 });
    expect(columnsOf(n).t!.data_type).toBe("text");
    expect(out.of("items")[0]).toMatchObject({ d: "12345678901234567890", t: huge.toString() });
  });

  it("a json column takes integers of any size as they are", () => {
    const { out, n, feed } = setup({ columns: { doc: { data_type: "json" } } });
    feed({ doc: 10n ** 40n }, { doc: { id: 1234567890123456789n } });
    expect(Object.keys(columnsOf(n))).not.toContain("doc__v_text");
    expect(out.of("items").map((r) => r.doc)).toEqual([10n ** 40n, { id: 1234567890123456789n }]);
  });

  it("a value too big for its bigint column goes to an exact decimal variant", () => {
    const { out, n, feed } = setup();
    feed({ id: 1 }, { id: 12345678901234567890n }, { id: -(10n ** 39n) });
    expect(columnsOf(n).id__v_decimal).toMatchObject({ precision: 38, scale: 0, variant: true });
    expect(out.of("items")[1]!.id__v_decimal).toBe("12345678901234567890");
    expect(out.of("items")[2]!.id__v_text).toBe((-(10n ** 39n)).toString());
  });
});

const columnsOf = (n: Normalizer) => n.schema().tables.items!.columns;

describe("column hints", () => {
  it("creates hinted columns with the first record (no table before data, as dlt), with source or normalized keys", () => {
    const { n, feed } = setup({
      primary_key: "businessId",
      merge_key: ["region_code"],
      columns: {
        middleName: { data_type: "text", nullable: true },
        business_id: { data_type: "bigint" },
        regionCode: { data_type: "text" },
        properties__zip: { data_type: "text" },
      },
      write_disposition: "merge",
    });
    expect(n.schema().tables.items).toBeUndefined();
    feed({ businessId: 1 });
    const cols = n.schema().tables.items!.columns;
    expect(cols.middle_name).toEqual({ name: "middle_name", data_type: "text", nullable: true });
    expect(cols.business_id).toMatchObject({ data_type: "bigint", primary_key: true, nullable: false });
    expect(cols.region_code).toMatchObject({ data_type: "text", merge_key: true });
    expect(cols.properties__zip!.data_type).toBe("text");
  });

  it("overrides inference: numbers into a hinted text column, objects into a hinted json column", () => {
    const { out, n, feed } = setup({
      columns: {
        zip: { data_type: "text", nullable: true },
        props: { data_type: "json" },
        created: { data_type: "timestamp" },
      },
    });
    feed({ zip: 12345, props: { a: { b: 1 } }, created: 0, middle: null });
    expect(out.of("items")[0]).toMatchObject({
      zip: "12345",
      props: { a: { b: 1 } },
      created: "1970-01-01T00:00:00.000Z",
    });
    expect(n.schema().tables.items!.columns.props__a__b).toBeUndefined();
  });

  it("applies hints to columns an earlier run created", () => {
    const base = establishedSchema();
    const { n } = setup({ primary_key: "id", columns: { name: { nullable: false } } }, base);
    const cols = n.schema().tables.items!.columns;
    expect(cols.id).toMatchObject({ data_type: "bigint", primary_key: true });
    expect(cols.name).toMatchObject({ data_type: "text", nullable: false });
  });

  it("applies key hints without a data type once data arrives", () => {
    const { n, feed } = setup({ primary_key: ["orgId", "userId"], write_disposition: "merge" });
    expect(n.schema().tables.items?.columns.org_id).toBeUndefined();
    feed({ orgId: 1, userId: "u" });
    const cols = n.schema().tables.items!.columns;
    expect(cols.org_id).toMatchObject({ data_type: "bigint", primary_key: true, nullable: false });
    expect(cols.user_id).toMatchObject({ data_type: "text", primary_key: true });
  });

  it("refuses a record without a key or a nullable: false value, naming it, and keeps the schema as it was", () => {
    const { n, feed, out } = setup({
      primary_key: "id",
      write_disposition: "merge",
      columns: { email: { data_type: "text", nullable: false } },
    });
    feed({ id: 1, email: "a@x" });
    const before = n.schema();
    const missing = (record: DataRecord) => {
      try {
        feed(record);
      } catch (err) {
        return err as SluiceError;
      }
      throw new Error("expected a refusal");
    };
    const noKey = missing({ email: "b@x", newField: 1 });
    expect(noKey.code).toBe("REQUIRED_VALUE_MISSING");
    expect(noKey.message).toContain('primary key column "id" of table "items"');
    expect(noKey.message).toContain("record keys: email, newField");
    const noEmail = missing({ id: 2, email: null });
    expect(noEmail.message).toContain('required column "email"');
    expect(noEmail.hint).toContain("nullable: true");
    // An id of another type lands in a variant column, so the key itself is missing.
    expect(missing({ id: "two", email: "c@x" }).code).toBe("REQUIRED_VALUE_MISSING");
    expect(n.schema()).toEqual(before);
    expect(out.of("items")).toHaveLength(1);
    // Declared nullable, the same value may be absent.
    const relaxed = setup({ columns: { email: { data_type: "text", nullable: true } } });
    expect(relaxed.feed({ id: 3 })).toEqual([true]);
  });
});

describe("child tables", () => {
  it("links rows with parent, root, list index and deterministic ids; lists of lists nest", () => {
    const { out, feed } = setup();
    feed({
      id: 1,
      orders: [
        { no: "a", lines: [{ sku: 1 }, { sku: 2 }] },
        { no: "b", lines: [] },
      ],
      m: [[1, 2], [3]],
    });
    const root = out.of("items")[0]!;
    const orders = out.of("items__orders");
    expect(orders.map((o) => o.no)).toEqual(["a", "b"]);
    expect(orders[1]!._sluice_id).toBe(`${root._sluice_id}.orders.1`);
    const lines = out.of("items__orders__lines");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({
      sku: 2,
      _sluice_list_idx: 1,
      _sluice_parent_id: orders[0]!._sluice_id,
      _sluice_root_id: root._sluice_id,
    });
    const inner = out.of("items__m__value");
    expect(inner.map((r) => r.value)).toEqual([1, 2, 3]);
    expect(inner[2]!._sluice_parent_id).toBe(out.of("items__m")[1]!._sluice_id);
  });

  it("emits no rows for empty lists and keeps positions of null items", () => {
    const { out, n, feed } = setup();
    feed({ id: 1, tags: [] }, { id: 2, tags: [null, "b"] });
    expect(n.schema().tables.items__tags).toBeDefined();
    const tags = out.of("items__tags");
    expect(tags).toHaveLength(2);
    expect(tags[0]!.value).toBeUndefined();
    expect(tags[1]).toMatchObject({ value: "b", _sluice_list_idx: 1 });
  });

  it("bounds depth with max_table_nesting: deeper data is stored as json", () => {
    const zero = setup({ max_table_nesting: 0 });
    zero.feed({ a: { b: 1 }, l: [1, { c: 2 }] });
    expect(zero.out.of("items")[0]).toMatchObject({ a: { b: 1 }, l: [1, { c: 2 }] });
    expect(Object.keys(zero.n.schema().tables)).toEqual(["items"]);

    const one = setup({ max_table_nesting: 1 });
    one.feed({ a: { b: { c: 1 } }, l: [{ x: { y: 1 }, z: [1] }] });
    expect(one.out.of("items")[0]).toMatchObject({ a__b: { c: 1 } });
    expect(one.out.of("items__l")[0]).toMatchObject({ x: { y: 1 }, z: [1] });
    expect(Object.keys(one.n.schema().tables)).toEqual(["items", "items__l"]);
    expect(one.n.schema().tables.items__l!.columns.z!.data_type).toBe("json");
  });
});

describe("row ids", () => {
  it("derives root ids from the primary key for merge tables, identically across instances", () => {
    const hints: ResourceHints = { write_disposition: "merge", primary_key: "id" };
    const a = setup(hints);
    const b = setup(hints);
    a.feed({ id: 7, tags: ["x"] });
    b.feed({ id: 7, tags: ["x"] });
    expect(a.out.of("items")[0]!._sluice_id).toBe(b.out.of("items")[0]!._sluice_id);
    expect(a.out.of("items__tags")[0]).toEqual(b.out.of("items__tags")[0]);
  });

  it("uses a content hash for scd2 and unique random ids otherwise", () => {
    const scd = setup({ write_disposition: { disposition: "merge", strategy: "scd2" } });
    scd.feed({ id: 1, v: "a" }, { v: "a", id: 1 }, { id: 1, v: "b" });
    const ids = scd.out.of("items").map((r) => r._sluice_id);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).not.toBe(ids[0]);
    // The same content keeps its id after the table gained a column.
    scd.feed({ id: 2, v: "a", w: 1 }, { id: 1, v: "a" });
    expect(scd.out.of("items")[4]!._sluice_id).toBe(ids[0]);
    const plain = setup();
    plain.feed({ id: 1 }, { id: 1 });
    const [r1, r2] = plain.out.of("items");
    expect(r1!._sluice_id).not.toBe(r2!._sluice_id);
  });
});

describe("schema contracts", () => {
  it("evolves columns freely on a table's first run even when columns are frozen", () => {
    const { feed, n } = setup({ schema_contract: { columns: "freeze" } });
    expect(feed({ id: 1 }, { id: 2, more: "x" })).toEqual([true, true]);
    expect(n.schema().tables.items!.columns.more).toBeDefined();
  });

  it("columns: freeze throws, discard_row drops the record, discard_value drops the value", () => {
    const base = establishedSchema();
    const frozen = setup({ schema_contract: { columns: "freeze" } }, base);
    frozen.n.markClean();
    expect(() => frozen.feed({ id: 2, extra: 1 })).toThrow(SchemaContractError);
    try {
      frozen.feed({ id: 2, extra: 1 });
    } catch (err) {
      expect((err as Error).message).toMatch(/resource "items".*column "extra".*table "items"/);
      expect((err as SchemaContractError).hint).toMatch(/schema_contract\.columns/);
    }
    expect(frozen.n.changed).toBe(false);

    const row = setup({ schema_contract: { columns: "discard_row" } }, base);
    expect(row.feed({ id: 2, extra: 1 }, { id: 3 })).toEqual([false, true]);
    expect(row.out.of("items").map((r) => r.id)).toEqual([3]);
    expect(row.n.schema().tables.items!.columns.extra).toBeUndefined();

    const value = setup({ schema_contract: { columns: "discard_value" } }, base);
    value.n.markClean();
    expect(value.feed({ id: 2, extra: 1, name: "n" })).toEqual([true]);
    expect(value.n.changed).toBe(false);
    expect(value.out.of("items")[0]).toMatchObject({ id: 2, name: "n" });
    expect(value.out.of("items")[0]!.extra).toBeUndefined();
    expect(value.n.schema().tables.items!.columns.extra).toBeUndefined();
  });

  it("data_type: freeze throws, discard_row drops, discard_value drops, evolve makes a variant", () => {
    const base = establishedSchema();
    expect(() => setup({ schema_contract: { data_type: "freeze" } }, base).feed({ id: "x" })).toThrow(
      /value for column "id" of type bigint/,
    );
    const row = setup({ schema_contract: { data_type: "discard_row" } }, base);
    expect(row.feed({ id: "x" }, { id: 5 })).toEqual([false, true]);
    const value = setup({ schema_contract: { data_type: "discard_value" } }, base);
    value.n.markClean();
    value.feed({ id: "x", name: "kept" });
    expect(value.n.changed).toBe(false);
    expect(value.out.of("items")[0]).toMatchObject({ name: "kept" });
    expect(value.out.of("items")[0]!.id__v_text).toBeUndefined();
    const evolve = setup({ schema_contract: { data_type: "evolve", columns: "freeze" } }, base);
    evolve.feed({ id: "x" });
    expect(evolve.out.of("items")[0]!.id__v_text).toBe("x");
  });

  it("tables: freeze refuses new root and child tables; discard modes drop them", () => {
    expect(() => setup({ schema_contract: "freeze" }).feed({ id: 1 })).toThrow(
      /would create new table "items"/,
    );
    expect(setup({ schema_contract: { tables: "discard_row" } }).feed({ id: 1 })).toEqual([false]);

    const base = establishedSchema();
    expect(() => setup({ schema_contract: { tables: "freeze" } }, base).feed({ id: 2, other: [1] })).toThrow(
      /would create new table "items__other"/,
    );
    // The existing child table still takes rows under a frozen table contract.
    const known = setup({ schema_contract: "freeze" }, base);
    expect(known.feed({ id: 2, name: "b", tags: ["y"] })).toEqual([true]);
    expect(known.out.of("items__tags")[0]!.value).toBe("y");

    const row = setup({ schema_contract: { tables: "discard_row" } }, base);
    expect(row.feed({ id: 2, other: [1] })).toEqual([false]);
    const value = setup({ schema_contract: { tables: "discard_value" } }, base);
    value.n.markClean();
    expect(value.feed({ id: 2, other: [1] })).toEqual([true]);
    expect(value.n.changed).toBe(false);
    expect(value.out.of("items")).toHaveLength(1);
    expect(value.out.of("items__other")).toHaveLength(0);
  });

  it("rolls back schema changes of a discarded record", () => {
    const base = establishedSchema();
    const { feed, n, out } = setup({ schema_contract: { tables: "evolve", columns: "discard_row" } }, base);
    n.markClean();
    expect(feed({ id: 2, fresh: [{ a: 1 }], extra: 1 })).toEqual([false]);
    expect(n.schema().tables.items__fresh).toBeUndefined();
    expect(n.changed).toBe(false);
    expect(out.rows.size).toBe(0);
    expect(feed({ id: 3, fresh: [{ a: 1 }] })).toEqual([true]);
    expect(out.of("items__fresh")).toHaveLength(1);
  });
});

describe("undo of a dropped record", () => {
  it("takes back a new child table with its field claim, so the next record claims the field again", () => {
    const base = establishedSchema();
    const { feed, n, out } = setup({ schema_contract: { columns: "discard_row" } }, base);
    // `fresh` opens a new child table; then an item of the established `tags` table adds a column.
    expect(feed({ id: 2, fresh: [1], tags: [{ brandNew: 1 }] })).toEqual([false]);
    expect(n.schema().tables.items__fresh).toBeUndefined();
    expect(feed({ id: 3, fresh: [1] })).toEqual([true]);
    expect(n.schema().tables.items!.source_names!.fresh).toBe(JSON.stringify(["fresh"]));
    // Another key normalizing to the same name gets its own table, as in a run without the dropped record.
    expect(feed({ id: 4, Fresh: [2] })).toEqual([true]);
    expect(out.of("items__fresh").map((r) => r.value)).toEqual([1]);
    expect(out.of("items__fresh_1").map((r) => r.value)).toEqual([2]);
  });

  it("leaves no name claimed for a refused column, variant or table", () => {
    const base = establishedSchema();
    const { feed, n } = setup(
      { schema_contract: { columns: "discard_value", data_type: "discard_value", tables: "discard_value" } },
      base,
    );
    const claims = () => n.schema().tables.items!.source_names;
    const before = claims();
    expect(feed({ id: "x", extra: 1, other: [1] })).toEqual([true]);
    expect(claims()).toEqual(before);
  });
});

describe("schema versions", () => {
  it("bumps the version once per changed snapshot and keeps a stable content hash", () => {
    const { n, feed } = setup();
    // A registered resource without rows is no table yet: nothing changed.
    const s1 = n.schema();
    expect(s1.version).toBe(0);
    expect(s1.tables).toEqual({});
    expect(n.schema()).toEqual(s1);
    feed({ id: 1 });
    const s2 = n.schema();
    expect(s2.version).toBe(1);
    expect(s2.version_hash).not.toBe(s1.version_hash);
    feed({ id: 2 });
    expect(n.schema().version).toBe(1);
    n.registerResource("items", {});
    expect(n.schema().version_hash).toBe(s2.version_hash);
    expect(n.changed).toBe(true);
    n.markClean();
    expect(n.changed).toBe(false);
  });

  it("is deterministic: two instances fed the same schema and records agree", () => {
    const base = establishedSchema({ write_disposition: "merge", primary_key: "id" });
    const hints: ResourceHints = { write_disposition: "merge", primary_key: "id" };
    const records: DataRecord[] = [
      {
        id: 2,
        Name: "b",
        aB: 1,
        a_b: 2,
        addr: { zipCode: "1" },
        tags: ["t"],
        when: "2024-01-01T00:00:00+01:00",
      },
      { id: 3, nested: [{ deep: [{ x: 1.5 }] }], score: 1 },
      { id: 4, score: 1.5 },
    ];
    const a = setup(hints, base);
    const b = setup(hints, JSON.parse(JSON.stringify(base)) as StoredSchema);
    a.feed(...records);
    b.feed(...records);
    expect(a.n.schema()).toEqual(b.n.schema());
    expect([...a.out.rows.entries()]).toEqual([...b.out.rows.entries()]);
    expect(a.n.schema().version).toBe(base.version + 1);
  });

  it("does not mutate the schema object it was given", () => {
    const base = establishedSchema();
    const copy = JSON.parse(JSON.stringify(base)) as StoredSchema;
    setup({}, base).feed({ id: 2, brandNew: 1 });
    expect(base).toEqual(copy);
  });
});

describe("row shapes", () => {
  it("rows hold only JSON values; sparse tables stop pre-shaping rows", () => {
    const { out, feed } = setup();
    const wide: DataRecord = {};
    for (let i = 0; i < 30; i++) wide[`f${i}`] = i;
    feed(wide);
    for (let i = 0; i < 600; i++) feed({ f0: i });
    const rows = out.of("items");
    expect(JSON.parse(JSON.stringify(rows[1]))).toEqual({
      _sluice_load_id: "L1",
      _sluice_id: rows[1]!._sluice_id,
      f0: 0,
    });
    const last = rows[rows.length - 1]!;
    expect(Object.values(last)).not.toContain(undefined);
    expect(Object.keys(last).sort()).toEqual(["_sluice_id", "_sluice_load_id", "f0"]);
  });
});

describe("odd records", () => {
  it("wraps bare values and lists yielded as records into a value column", () => {
    const { out, feed } = setup();
    feed(5 as unknown as DataRecord, ["a"] as unknown as DataRecord);
    expect(out.of("items")[0]!.value).toBe(5);
    expect(out.of("items__value")[0]!.value).toBe("a");
  });

  it("keeps prototype-looking keys as plain data", () => {
    const { out, feed } = setup();
    feed(JSON.parse('{"__proto__": {"polluted": 1}, "constructor": "c"}') as DataRecord);
    const row = out.of("items")[0]!;
    expect(row.constructor).toBe("c");
    expect(row._protox__polluted).toBe(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("going on in another normalizer (continuation)", () => {
  const records: DataRecord[] = [
    { id: 1, name: "a", tags: ["x"] },
    { id: 2, name: "b", address: { city: "B" } },
    { id: 3, name: 3, tags: ["y", "z"], orders: [{ n: 1 }] },
    { id: 4, late: true, orders: [{ n: 2, extra: "e" }] },
  ];
  const withoutIds = (rows: Row[]): Row[] =>
    rows.map(({ _sluice_id, _sluice_parent_id, _sluice_root_id, ...rest }) => rest);

  function split(hints: ResourceHints, schema: StoredSchema | null, at: number) {
    const first = setup(hints, schema);
    first.feed(...records.slice(0, at));
    const second = new Normalizer(null, "test", { maxIdentifierLength: 63 }, first.n.continuation());
    second.registerResource("items", hints);
    for (const r of records.slice(at)) second.normalize("items", r, "L1", first.out.sink);
    return { n: second, out: first.out };
  }

  function expectSameAsWhole(hints: ResourceHints, schema: StoredSchema | null): void {
    const whole = setup(hints, schema);
    whole.feed(...records);
    for (const at of [0, 1, 2, 3, 4]) {
      const parts = split(hints, schema, at);
      expect({ ...parts.n.schema(), version: 0 }).toEqual({ ...whole.n.schema(), version: 0 });
      expect([...parts.out.rows.keys()].sort()).toEqual([...whole.out.rows.keys()].sort());
      for (const table of whole.out.rows.keys())
        expect(withoutIds(parts.out.of(table))).toEqual(withoutIds(whole.out.of(table)));
    }
  }

  it("gives the rows and the schema one normalizer gives, wherever the work is split", () => {
    expectSameAsWhole({ primary_key: "id" }, null);
  });

  it("keeps applying a contract to the tables that had data before the package, and only to them", () => {
    expectSameAsWhole({ schema_contract: { columns: "discard_row" } }, establishedSchema());
    const parts = split({ schema_contract: { columns: "discard_row" } }, establishedSchema(), 1);
    // `items` had data before: records 2 and 4 bring new columns and are dropped after the split too.
    expect(parts.out.of("items").map((r) => r.id)).toEqual([1, 3]);
  });

  it("leaves row ids unique across the split", () => {
    const parts = split({}, null, 2);
    const ids = parts.out.of("items").map((r) => r._sluice_id);
    expect(new Set(ids).size).toBe(records.length);
  });
});
