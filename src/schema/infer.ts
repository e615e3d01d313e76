import type { DataType } from "./types.js";

/**
 * Type inference and coercion. Inference runs only when a column is created (the normalizer caches the
 * column per key), so these functions favour correctness; the per-value coercion path keeps typeof fast
 * paths and touches regexes only for strings headed for timestamp/date columns.
 */

/** Returned by `coerce` when a value cannot be stored in the target type (it goes to a variant column). */
export const NO_FIT: unique symbol = Symbol("no-fit");
export type NoFit = typeof NO_FIT;

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** The type a value would get in a new column, or null for null/undefined (no column yet). */
export function inferType(value: unknown): DataType | null {
  switch (typeof value) {
    case "string":
      return inferStringType(value);
    case "number":
      return Number.isInteger(value) ? "bigint" : "double";
    case "boolean":
      return "bool";
    case "bigint":
      return value >= INT64_MIN && value <= INT64_MAX ? "bigint" : "decimal";
    case "object":
      if (value === null) return null;
      if (value instanceof Date) return "timestamp";
      return "json";
    case "undefined":
      return null;
    default:
      return "text";
  }
}

/** ISO 8601 with date, time and zone → timestamp; `YYYY-MM-DD` → date; anything else (numbers too) → text. */
export function inferStringType(s: string): DataType {
  const n = s.length;
  if (n === 10) {
    if (looksLikeDate(s) && parseDate(s) !== null) return "date";
  } else if (n >= 17 && n <= 40 && looksLikeDate(s)) {
    if (parseTimestamp(s) !== null) return "timestamp";
  }
  return "text";
}

function looksLikeDate(s: string): boolean {
  return s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45 && isDigit(s.charCodeAt(0));
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function validYmd(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const dim = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= dim;
}

/** `YYYY-MM-DD` if `s` is a valid calendar date, else null. */
export function parseDate(s: string): string | null {
  const m = DATE.exec(s);
  if (m === null) return null;
  return validYmd(Number(m[1]), Number(m[2]), Number(m[3])) ? s : null;
}

/**
 * A timestamp string with a zone, normalized to UTC `YYYY-MM-DDTHH:MM:SS[.fraction]Z` (fraction digits kept,
 * up to 9), or null when `s` is not one. Already-canonical UTC strings are returned as they are.
 */
export function parseTimestamp(s: string): string | null {
  const m = TIMESTAMP.exec(s);
  if (m === null) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const h = Number(m[4]);
  const mi = Number(m[5]);
  const sec = m[6] === undefined ? 0 : Number(m[6]);
  if (!validYmd(y, mo, d) || h > 23 || mi > 59 || sec > 59) return null;
  const fraction = m[7] === undefined ? "" : `.${m[7]}`;
  if (m[8] === "Z" && m[6] !== undefined && s.charCodeAt(10) === 84 && s.charCodeAt(19) !== 44) return s;
  let offsetMin = 0;
  if (m[9] !== undefined) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return null;
    offsetMin = (m[9] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  const ms = Date.UTC(y, mo - 1, d, h, mi, sec) - offsetMin * 60_000;
  const base = new Date(ms);
  if (Number.isNaN(base.getTime())) return null;
  return `${base.toISOString().slice(0, 19)}${fraction}Z`;
}

/**
 * Coerces a non-null value into a column of type `to`, returning the value as written to the package
 * (JSON-friendly) or NO_FIT. Mirrors dlt: ints go into double columns, anything scalar into text,
 * integral doubles into bigint, numeric strings into numeric columns, epoch numbers into timestamps.
 */
export function coerce(value: unknown, to: DataType): unknown {
  const t = typeof value;
  switch (to) {
    case "text":
      if (t === "string") return value;
      if (t === "number" || t === "boolean" || t === "bigint") return String(value);
      if (value instanceof Date) return timestampFromDate(value);
      return JSON.stringify(value);
    case "bigint":
      if (t === "number") return Number.isInteger(value) ? value : NO_FIT;
      if (t === "bigint") return bigintOut(value as bigint);
      if (t === "string" && INTEGER.test(value as string)) return bigintOut(BigInt(value as string));
      return NO_FIT;
    case "double":
      if (t === "number") return value;
      if (t === "bigint") return Number(value);
      if (t === "string" && NUMERIC.test((value as string).trim())) return Number(value);
      return NO_FIT;
    case "bool":
      if (t === "boolean") return value;
      if (value === "true") return true;
      if (value === "false") return false;
      return NO_FIT;
    case "timestamp":
      if (t === "string") {
        const s = value as string;
        const ts = parseTimestamp(s);
        if (ts !== null) return ts;
        if (s.length === 10 && parseDate(s) !== null) return `${s}T00:00:00Z`;
        return NO_FIT;
      }
      if (t === "number") {
        const ms = (value as number) * 1000;
        return Number.isFinite(ms) ? timestampFromDate(new Date(ms)) : NO_FIT;
      }
      if (value instanceof Date) return timestampFromDate(value);
      return NO_FIT;
    case "date":
      if (t === "string") {
        const s = value as string;
        if (parseDate(s) !== null) return s;
        return NO_FIT;
      }
      if (value instanceof Date)
        return Number.isNaN(value.getTime()) ? NO_FIT : value.toISOString().slice(0, 10);
      return NO_FIT;
    case "decimal":
      if (t === "number") return Number.isFinite(value) ? String(value) : NO_FIT;
      if (t === "bigint") return String(value);
      if (t === "string" && NUMERIC.test((value as string).trim())) return (value as string).trim();
      return NO_FIT;
    case "json":
      if (value instanceof Date) return timestampFromDate(value);
      return t === "bigint" ? bigintOut(value as bigint) : value;
  }
}

/** A JS bigint as a JSON number when exact, else as a numeric string (destinations accept both). */
function bigintOut(v: bigint): number | string | NoFit {
  if (v < INT64_MIN || v > INT64_MAX) return NO_FIT;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v.toString();
}

function timestampFromDate(d: Date): string | NoFit {
  const ms = d.getTime();
  if (Number.isNaN(ms)) return NO_FIT;
  return d.toISOString();
}
