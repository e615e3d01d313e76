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
      // An integral double beyond 2^53 came from a float literal (`1e20`) or was rounded: not an int64.
      return Number.isSafeInteger(value) ? "bigint" : "double";
    case "boolean":
      return "bool";
    case "bigint":
      return bigintType(value);
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

/**
 * Where an exact integer (the JSON parser's bigint) fits: int64 → bigint, up to 38 digits → decimal
 * (precision 38, scale 0: `BIGINT_DECIMAL`), longer → text, so no digit is ever rounded away.
 */
export function bigintType(value: bigint): DataType {
  if (value >= INT64_MIN && value <= INT64_MAX) return "bigint";
  return integerDigits(value) <= MAX_DECIMAL_PRECISION ? "decimal" : "text";
}

/** The widest decimal every SQL destination stores exactly (DuckDB's DECIMAL limit). */
export const MAX_DECIMAL_PRECISION = 38;
/** Precision and scale of a decimal column inferred from an integer too big for int64. */
export const BIGINT_DECIMAL = { precision: MAX_DECIMAL_PRECISION, scale: 0 } as const;

function integerDigits(value: bigint): number {
  return (value < 0n ? -value : value).toString().length;
}

/** Whether an exact integer fits a decimal column of this precision and scale (dlt's default 38,9). */
export function bigintFitsDecimal(value: bigint, precision = MAX_DECIMAL_PRECISION, scale = 9): boolean {
  return integerDigits(value) <= precision - scale;
}

/** Integral numbers that a BIGINT column holds exactly: safe integers, and integral doubles within int64. */
export function isInt64Number(value: number): boolean {
  return Number.isSafeInteger(value) || (Number.isInteger(value) && value >= -(2 ** 63) && value < 2 ** 63);
}

/** ISO 8601 with date, time and zone → timestamp; `YYYY-MM-DD` → date; anything else (numbers too) → text. */
export function inferStringType(s: string): DataType {
  const n = s.length;
  if (n === 10) {
    if (validDatePrefix(s)) return "date";
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

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validYmd(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  if (m === 2 && d === 29) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= DAYS_IN_MONTH[m - 1]!;
}

/** Two ASCII digits at `i` as a number, or -1. */
function digits2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  if (a < 0 || a > 9 || b < 0 || b > 9) return -1;
  return a * 10 + b;
}

/** Checks `YYYY-MM-DD` at the start of `s` without a regex; returns false on any deviation. */
function validDatePrefix(s: string): boolean {
  const hi = digits2(s, 0);
  const lo = digits2(s, 2);
  if (hi < 0 || lo < 0 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  return validYmd(hi * 100 + lo, digits2(s, 5), digits2(s, 8));
}

/**
 * Fast check for the canonical UTC form `YYYY-MM-DDTHH:MM:SS[.digits]Z` (what most APIs send), which is
 * already normalized: no regex, no allocation.
 */
function isCanonicalUtc(s: string): boolean {
  const n = s.length;
  if (n < 20 || s.charCodeAt(n - 1) !== 90 || s.charCodeAt(10) !== 84) return false;
  if (s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return false;
  const h = digits2(s, 11);
  const mi = digits2(s, 14);
  const sec = digits2(s, 17);
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return false;
  if (n > 20) {
    if (s.charCodeAt(19) !== 46 || n === 21 || n > 27) return false;
    for (let i = 20; i < n - 1; i++) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) return false;
    }
  }
  return validDatePrefix(s);
}

/** `YYYY-MM-DD` if `s` is a valid calendar date, else null. */
export function parseDate(s: string): string | null {
  return s.length === 10 && validDatePrefix(s) ? s : null;
}

/**
 * A timestamp string with a zone, normalized to UTC `YYYY-MM-DDTHH:MM:SS[.fraction]Z` (fraction digits kept
 * up to microseconds), or null when `s` is not one. Canonical UTC strings are returned as they are.
 */
export function parseTimestamp(s: string): string | null {
  if (isCanonicalUtc(s)) return s;
  const m = TIMESTAMP.exec(s);
  if (m === null) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const h = Number(m[4]);
  const mi = Number(m[5]);
  const sec = m[6] === undefined ? 0 : Number(m[6]);
  if (!validYmd(y, mo, d) || h > 23 || mi > 59 || sec > 59) return null;
  // Destinations store microseconds; finer digits are cut, not rounded, so values never move forward.
  const fraction = m[7] === undefined ? "" : `.${m[7].slice(0, 6)}`;
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
      if (t === "number") return isInt64Number(value as number) ? value : NO_FIT;
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
      // Digits beyond 38 would be rounded (or refused) by every SQL destination.
      if (t === "bigint")
        return integerDigits(value as bigint) <= MAX_DECIMAL_PRECISION ? String(value) : NO_FIT;
      if (t === "string" && NUMERIC.test((value as string).trim())) return (value as string).trim();
      return NO_FIT;
    case "json":
      // A bigint stays one: the load file writer spells it as its digits, a JSON number of any size.
      if (value instanceof Date) return timestampFromDate(value);
      return value;
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
