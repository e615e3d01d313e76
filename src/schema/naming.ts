/**
 * sluice's snake_case naming convention (dlt's `snake_case`, with one deliberate difference: Unicode
 * letters and digits are kept, lower-cased, instead of being replaced by `_`, so `Größe` stays readable as
 * `größe` and distinct from `grosse`; DuckDB and PostgreSQL accept them as quoted identifiers).
 *
 * Rules, in order: trim; Unicode NFC; empty → `_empty`; `+` and `*` → `x`, `@` → `a`, `|` → `l`; word breaks at case
 * changes (`businessName` → `business_name`, `HTTPServer` → `http_server`); every run of other characters
 * (spaces, dashes, dots, punctuation) → `_`; lower case; `_` before a leading digit; runs of `_` → one `_`
 * (so `__` stays reserved as the nesting separator); trailing `_` → `x`; a name starting with the system
 * prefix `_sluice_` gets `x` in front, so data can never shadow a system column or table.
 */

/** Separator between the segments of a flattened column or a child table name. */
export const PATH_SEPARATOR = "__";
export const SYSTEM_PREFIX = "_sluice_";
export const EMPTY_IDENTIFIER = "_empty";

const SIMPLE = /^[a-z_][a-z0-9_]*$/;
const SWAPPED = /[+*@|]/g;
const TITLE_BREAK = /([^_])(\p{Lu}[\p{Ll}\p{M}]+)/gu;
const CASE_BREAK = /([\p{Ll}\p{N}])(\p{Lu})/gu;
const NOT_WORD = /[^\p{L}\p{M}\p{N}_]+/gu;
const UNDERSCORES = /_{2,}/g;
const TRAILING_UNDERSCORE = /_$/;

function swap(ch: string): string {
  if (ch === "@") return "a";
  if (ch === "|") return "l";
  return "x";
}

/** Normalizes one identifier segment (a key, a resource or table name). Pure and deterministic. */
export function normalizeIdentifier(raw: string): string {
  if (SIMPLE.test(raw) && !raw.includes(PATH_SEPARATOR) && !raw.endsWith("_")) {
    return raw.startsWith(SYSTEM_PREFIX) ? `x${raw}` : raw;
  }
  // NFC first, so a composed `é` and `e` + combining accent name the same column.
  let s = raw.trim().normalize("NFC");
  if (s.length === 0) return EMPTY_IDENTIFIER;
  s = s
    .replace(SWAPPED, swap)
    .replace(TITLE_BREAK, "$1_$2")
    .replace(CASE_BREAK, "$1_$2")
    .replace(NOT_WORD, "_")
    .toLowerCase();
  const first = s.charCodeAt(0);
  if (first >= 48 && first <= 57) s = `_${s}`;
  else if (/^\p{N}/u.test(s)) s = `_${s}`;
  s = s.replace(UNDERSCORES, "_").replace(TRAILING_UNDERSCORE, "x");
  if (s.startsWith(SYSTEM_PREFIX)) s = `x${s}`;
  return s;
}

/**
 * Normalizes a name that may already be a path of normalized segments (`properties__country`, as users
 * write column hints): each `__`-separated segment is normalized on its own and the path re-joined.
 */
export function normalizePath(raw: string): string {
  if (!raw.includes(PATH_SEPARATOR)) return normalizeIdentifier(raw);
  const parts = raw.split(PATH_SEPARATOR).filter((p) => p.length > 0);
  if (parts.length === 0) return normalizeIdentifier(raw);
  return parts.map(normalizeIdentifier).join(PATH_SEPARATOR);
}

/** Joins normalized segments into one flattened name. */
export function joinPath(prefix: string, segment: string): string {
  return prefix.length === 0 ? segment : `${prefix}${PATH_SEPARATOR}${segment}`;
}

/** 32-bit FNV-1a over UTF-16 code units, as 8 hex digits: a stable, cheap tag for shortened names. */
export function fnv1aHex(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

/**
 * Fits an identifier into `maxLength` UTF-8 bytes (PostgreSQL counts bytes, not characters): a longer
 * name keeps as many leading characters as fit before `_<8 hex digits>`, a hash of the full name, so the
 * result is stable across runs and distinct names stay distinct with high probability.
 */
export function shortenIdentifier(name: string, maxLength: number): string {
  if (name.length <= maxLength && (isAscii(name) || Buffer.byteLength(name, "utf8") <= maxLength)) {
    return name;
  }
  const tag = `_${fnv1aHex(name)}`;
  const budget = Math.max(1, maxLength - tag.length);
  let kept = "";
  let bytes = 0;
  for (const ch of name) {
    const b = Buffer.byteLength(ch, "utf8");
    if (bytes + b > budget) break;
    kept += ch;
    bytes += b;
  }
  return `${kept}${tag}`;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return false;
  return true;
}

/** A table name from a resource or `table_name` hint: normalized (paths kept) and shortened. */
export function normalizeTableName(raw: string, maxLength: number): string {
  return shortenIdentifier(normalizePath(raw), maxLength);
}
