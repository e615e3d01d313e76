import { createHash } from "node:crypto";
import type { IncrementalPlaceholderField } from "../../config/index.js";
import { SluiceError } from "../../core/errors.js";
import { type DataRecord, isPlainObject, type JsonObject, type JsonValue } from "../../core/json.js";
import { recordToJson } from "../../core/record-json.js";
import type { IncrementalConfig } from "./config-types.js";
import { pathKeys, readKeys, readPath } from "./field-path.js";

/**
 * What one cursor keeps between runs. `unique_hashes` identify the records whose cursor equals
 * `last_value`: with a closed range start those records come back next run and are dropped again.
 */
export interface CursorState {
  initial_value?: JsonValue;
  last_value?: JsonValue;
  /**
   * "bigint" when `last_value` is an integer beyond 2^53 kept as its digits: JSON state cannot hold a
   * bigint and a JSON number would round it, so it is stored as text and read back as the exact integer.
   */
  last_value_type?: "bigint";
  unique_hashes: string[];
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function asTime(v: unknown): number | undefined {
  if (v instanceof Date) return v.getTime();
  if (typeof v === "string" && ISO_DATE.test(v)) {
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

function isNumericText(v: unknown): v is string {
  return typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v));
}

/**
 * What a cursor value is compared by: numbers (and exact integers beyond 2^53, as bigint) as they are,
 * ISO dates as instants, anything else as text.
 */
export type CursorKey = number | bigint | string;

export function cursorKey(v: unknown): CursorKey {
  if (typeof v === "number" || typeof v === "bigint") return v;
  const t = asTime(v);
  if (t !== undefined) return t;
  return typeof v === "string" ? v : recordToJson(v);
}

const INTEGER_TEXT = /^\s*-?\d+\s*$/;

/** A key as an exact number when it is one (a bigint, a number, numeric text), else undefined. */
function exactNumber(k: CursorKey): number | bigint | undefined {
  if (typeof k !== "string") return k;
  if (INTEGER_TEXT.test(k)) return BigInt(k.trim());
  return isNumericText(k) ? Number(k) : undefined;
}

export function compareKeys(a: CursorKey, b: CursorKey): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "bigint" || typeof b === "bigint") {
    // Exact: 1234567890123456789n and 1234567890123456791n differ although their doubles are equal.
    const x = exactNumber(a);
    const y = exactNumber(b);
    if (x !== undefined && y !== undefined) return x < y ? -1 : x > y ? 1 : 0;
  }
  // A file config may spell a numeric initial_value as a string ("5"); compare it as the number it is.
  if (typeof a === "number" && isNumericText(b)) return a - Number(b);
  if (typeof b === "number" && isNumericText(a)) return Number(a) - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Orders cursor values: numbers by value, ISO dates by instant (so `Z` and `+00:00` agree), else text. */
export function compareCursor(a: unknown, b: unknown): number {
  return compareKeys(cursorKey(a), cursorKey(b));
}

/** Moves a cursor value back by `lag`: seconds for date-times, days for plain dates, units for numbers. */
export function applyLag(value: unknown, lag: number | undefined): unknown {
  if (!lag || value === undefined || value === null) return value;
  if (typeof value === "number") return value - lag;
  if (typeof value === "bigint") return value - BigInt(Math.trunc(lag));
  if (typeof value === "string") {
    const t = asTime(value);
    if (t === undefined) return value;
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return new Date(t - lag * 86_400_000).toISOString().slice(0, 10);
    return new Date(t - lag * 1000).toISOString();
  }
  return value;
}

function toJson(v: unknown): JsonValue {
  if (v instanceof Date) return v.toISOString();
  if (v === undefined) return null;
  if (typeof v === "bigint") return v.toString();
  return JSON.parse(JSON.stringify(v)) as JsonValue;
}

function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(",")}]`;
  if (typeof v === "object" && v !== null) {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify((v as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  if (typeof v === "bigint") return v.toString();
  return JSON.stringify(v) ?? "null";
}

/** Identity of a record at the boundary: its primary key when known, else its whole content. */
export function recordHash(record: DataRecord, primaryKey: string[] | undefined): string {
  const basis =
    primaryKey && primaryKey.length > 0 ? primaryKey.map((k) => readPath(record, k).value) : record;
  return createHash("sha256").update(stableStringify(basis)).digest("base64url").slice(0, 22);
}

/** Finds (creating) the state slot of one cursor, inside `state` under `incremental.<cursor_path>`. */
export function cursorSlot(state: JsonObject, cursorPath: string, parentKey?: string): JsonObject {
  const all = ensureObject(state, "incremental");
  let slot = ensureObject(all, cursorPath);
  if (parentKey !== undefined) slot = ensureObject(ensureObject(slot, "parents"), parentKey);
  return slot;
}

function ensureObject(o: JsonObject, key: string): JsonObject {
  const v = o[key];
  if (isPlainObject(v)) return v;
  const fresh: JsonObject = {};
  o[key] = fresh;
  return fresh;
}

export interface FilterResult {
  records: DataRecord[];
  /** A record beyond the range was seen in a sorted stream: no later page can hold wanted records. */
  stop: boolean;
}

/** A cursor value with its comparison key computed once. */
interface Cursor {
  value: unknown;
  key: CursorKey;
}

function cursor(value: unknown): Cursor {
  return { value, key: cursorKey(value) };
}

type Order = (a: Cursor, b: Cursor) => number;

/** Orders cursors by `last_value_func`: positive when `a` is further along than `b`. */
function cursorOrder(fn: IncrementalConfig["last_value_func"]): Order {
  if (fn === undefined || fn === "max") return (a, b) => compareKeys(a.key, b.key);
  if (fn === "min") return (a, b) => compareKeys(b.key, a.key);
  return (a, b) => {
    if (compareKeys(a.key, b.key) === 0) return 0;
    return fn([a.value, b.value]) === a.value ? 1 : -1;
  };
}

/**
 * One run of one cursor: filters records to the configured range, drops records loaded at the
 * boundary last time, and advances `last_value` in the state slot as records pass.
 */
export class IncrementalRun {
  /** Lower bound for this run (state's last value minus lag, or initial_value). */
  readonly startValue: unknown;
  readonly endValue: unknown;
  private readonly start: Cursor | undefined;
  private readonly end: Cursor | undefined;
  private readonly boundaryHashes: Set<string>;
  private last: Cursor | undefined;
  private lastHashes: Set<string>;
  /** Records at the current last value not hashed yet: hashing waits for the page end, when most have been passed. */
  private pendingAtLast: DataRecord[] = [];
  private readonly updatesState: boolean;
  private readonly order: Order;
  private readonly primaryKey: string[] | undefined;
  private readonly cursorKeys: string[];

  constructor(
    private readonly config: IncrementalConfig,
    private readonly slot: JsonObject,
    resourcePrimaryKey: string[] | undefined,
    private readonly resource: string,
  ) {
    this.order = cursorOrder(config.last_value_func);
    const pk = config.primary_key;
    this.primaryKey = pk === undefined ? resourcePrimaryKey : Array.isArray(pk) ? pk : [pk];
    // dlt's backfill: with an end_value the run covers [initial_value, end_value) and the stored cursor is
    // neither read nor moved.
    this.updatesState = config.end_value === undefined || config.end_value === null;
    const stored = this.updatesState ? storedLastValue(slot) : undefined;
    const hasStored = stored !== undefined && stored !== null;
    // With "min" the cursor moves down, so the lag window lies above the stored value.
    const lag = config.last_value_func === "min" && config.lag ? -config.lag : config.lag;
    this.startValue = hasStored ? applyLag(stored, lag) : config.initial_value;
    this.endValue = config.end_value;
    const hashes = hasStored && Array.isArray(slot.unique_hashes) ? slot.unique_hashes.map(String) : [];
    // With lag the window is re-read on purpose: a merge load takes the updates, so no boundary dedup.
    this.boundaryHashes = hasStored && !config.lag ? new Set(hashes) : new Set();
    this.last = hasStored ? cursor(stored) : undefined;
    this.lastHashes = new Set(hashes);
    this.start =
      this.startValue === undefined || this.startValue === null ? undefined : cursor(this.startValue);
    this.end = this.endValue === undefined || this.endValue === null ? undefined : cursor(this.endValue);
    this.cursorKeys = pathKeys(config.cursor_path);
    if (this.updatesState && config.initial_value !== undefined && slot.initial_value === undefined)
      slot.initial_value = toJson(config.initial_value);
  }

  /** Values for `{incremental.*}` placeholders and start/end params, converted for the API. */
  placeholderValues(): Partial<Record<IncrementalPlaceholderField, unknown>> {
    const convert = this.config.convert ?? ((v: unknown) => v);
    const out: Partial<Record<IncrementalPlaceholderField, unknown>> = {};
    if (this.startValue !== undefined) {
      out.start_value = convert(this.startValue);
      out.last_value = out.start_value;
    }
    if (this.endValue !== undefined && this.endValue !== null) out.end_value = convert(this.endValue);
    // As dlt: initial_value is the configured one (converted like the others), lag as configured, unconverted.
    const { initial_value, lag } = this.config;
    if (initial_value !== undefined && initial_value !== null) out.initial_value = convert(initial_value);
    if (lag !== undefined && lag !== null) out.lag = lag;
    return out;
  }

  filter(records: DataRecord[]): FilterResult {
    const { cursor_path, row_order, on_cursor_value_missing = "raise" } = this.config;
    const startOpen = this.config.range_start === "open";
    const endClosed = this.config.range_end === "closed";
    const kept: DataRecord[] = [];
    let stop = false;
    const { start, end, order } = this;
    const dedup = this.boundaryHashes.size > 0;
    for (const record of records) {
      const { found, value } = readKeys(record, this.cursorKeys);
      if (!found || value === null || value === undefined) {
        if (on_cursor_value_missing === "include") kept.push(record);
        else if (on_cursor_value_missing === "raise")
          throw new SluiceError(
            `resource "${this.resource}": a record has no value at cursor_path "${cursor_path}"`,
            {
              code: "CURSOR_MISSING",
              hint: 'set incremental.on_cursor_value_missing to "include" or "exclude", or fix cursor_path',
            },
          );
        continue;
      }
      const cur = cursor(value);
      let atStart = false;
      if (start) {
        const c = order(cur, start);
        if (c < 0 || (c === 0 && startOpen)) {
          if (row_order === "desc") stop = true;
          continue;
        }
        atStart = c === 0;
      }
      if (end) {
        const c = order(cur, end);
        if (c > 0 || (c === 0 && !endClosed)) {
          if (row_order === "asc") stop = true;
          continue;
        }
      }
      if (dedup && atStart && this.boundaryHashes.has(recordHash(record, this.primaryKey))) continue;
      kept.push(record);
      if (this.updatesState) this.advance(cur, record);
    }
    if (this.updatesState) this.save();
    return { records: kept, stop };
  }

  private advance(cur: Cursor, record: DataRecord): void {
    const c = this.last === undefined ? 1 : this.order(cur, this.last);
    if (c > 0) {
      this.last = cur;
      this.lastHashes = new Set();
      this.pendingAtLast = [record];
    } else if (c === 0) this.pendingAtLast.push(record);
  }

  private save(): void {
    if (this.last === undefined) return;
    for (const r of this.pendingAtLast) this.lastHashes.add(recordHash(r, this.primaryKey));
    this.pendingAtLast = [];
    const value = this.last.value;
    if (typeof value === "bigint") {
      this.slot.last_value = value.toString();
      this.slot.last_value_type = "bigint";
    } else {
      this.slot.last_value = toJson(value);
      delete this.slot.last_value_type;
    }
    this.slot.unique_hashes = [...this.lastHashes];
  }
}

/** The slot's last value, an exact integer again when it was saved as one (see `CursorState`). */
function storedLastValue(slot: JsonObject): unknown {
  const v = slot.last_value;
  if (slot.last_value_type === "bigint" && typeof v === "string" && INTEGER_TEXT.test(v))
    return BigInt(v.trim());
  return v;
}

/**
 * One cursor slot from the slots several partitions of a run left, each started from the same committed
 * slot: the furthest last value (by `last_value_func`) with the boundary hashes of every partition that
 * reached it, and the per-parent slots merged one by one (each parent record is read by one partition).
 */
export function mergeCursorSlots(
  slots: readonly JsonObject[],
  fn: IncrementalConfig["last_value_func"],
): JsonObject {
  const order = cursorOrder(fn);
  let best: JsonObject | undefined;
  let bestCursor: Cursor | undefined;
  let hashes = new Set<string>();
  const parents = new Map<string, JsonObject[]>();
  const out: JsonObject = {};
  for (const slot of slots) {
    for (const [k, v] of Object.entries(slot))
      if (k !== "parents" && k !== "last_value" && k !== "last_value_type" && k !== "unique_hashes")
        out[k] ??= v;
    if (isPlainObject(slot.parents))
      for (const [key, p] of Object.entries(slot.parents))
        if (isPlainObject(p)) parents.set(key, [...(parents.get(key) ?? []), p]);
    const value = storedLastValue(slot);
    if (value === undefined || value === null) continue;
    const cur = cursor(value);
    const c = bestCursor === undefined ? 1 : order(cur, bestCursor);
    const own = Array.isArray(slot.unique_hashes) ? slot.unique_hashes.map(String) : [];
    if (c > 0) {
      best = slot;
      bestCursor = cur;
      hashes = new Set(own);
    } else if (c === 0) for (const h of own) hashes.add(h);
  }
  if (best !== undefined) {
    out.last_value = best.last_value ?? null;
    if (best.last_value_type !== undefined) out.last_value_type = best.last_value_type;
    out.unique_hashes = [...hashes].sort();
  }
  if (parents.size > 0)
    out.parents = Object.fromEntries([...parents].map(([key, list]) => [key, mergeCursorSlots(list, fn)]));
  return out;
}
