import { parseJson } from "../../core/json-parse.js";
import type { DataType } from "../../schema/types.js";
import { COPY_NULL, copyFieldWriter, escapeCopyText } from "./postgres-copy-format.js";

/**
 * Transcodes one NDJSON line straight to one COPY text line without building the row object.
 *
 * Why: JSON.parse plus re-serialising every value was most of the load time. JSON string escapes and COPY
 * text escapes nearly coincide (`\n`, `\t`, `\r`, `\\`, `\b`, `\f` mean the same in both, and valid JSON
 * never holds a raw control character), so a string without a backslash is copied as is, and only
 * values with escapes or unusual shapes take the slow path through JSON.parse. The result is
 * byte-for-byte what `copyLineBuilder` produces from the parsed row (a unit test holds them equal).
 */
export function ndjsonCopyTranscoder(
  columns: ReadonlyArray<{ name: string; data_type: DataType }>,
): (line: string) => string {
  const index = new Map<string, number>();
  columns.forEach((c, i) => {
    index.set(c.name, i);
  });
  const types = columns.map((c) => c.data_type);
  const slow = columns.map((c) => copyFieldWriter(c.data_type));
  const n = columns.length;
  const fields: string[] = new Array(n).fill(COPY_NULL);

  // Rows of one table nearly always list their keys in the same order: remember the column found at each
  // key position and confirm it with one startsWith instead of slicing the key and hashing it.
  const slotKey: string[] = [];
  const slotCol: Array<number | undefined> = [];

  return (line) => {
    fields.fill(COPY_NULL);
    const len = line.length;
    let slot = 0;
    // Most lines hold no escape at all: then a string ends at the next quote and is copied as it is.
    const escapes = line.includes("\\");
    let i = skipWs(line, 0);
    if (line.charCodeAt(i) !== 123 /* { */) return fallback(line);
    i = skipWs(line, i + 1);
    if (line.charCodeAt(i) === 125 /* } */) return finish();
    while (i < len) {
      if (line.charCodeAt(i) !== 34 /* " */) return fallback(line);
      let col: number | undefined;
      let keyEnd: number;
      const known = slotKey[slot];
      if (
        known !== undefined &&
        line.charCodeAt(i + 1 + known.length) === 34 &&
        line.startsWith(known, i + 1) &&
        !known.includes("\\")
      ) {
        keyEnd = i + 1 + known.length;
        col = slotCol[slot];
      } else {
        keyEnd = escapes ? stringEnd(line, i) : line.indexOf('"', i + 1);
        if (keyEnd < 0) return fallback(line);
        const rawKey = line.slice(i + 1, keyEnd);
        const key = rawKey.includes("\\") ? (JSON.parse(`"${rawKey}"`) as string) : rawKey;
        col = index.get(key);
        if (!rawKey.includes("\\")) {
          slotKey[slot] = rawKey;
          slotCol[slot] = col;
        }
      }
      slot++;
      i = skipWs(line, keyEnd + 1);
      if (line.charCodeAt(i) !== 58 /* : */) return fallback(line);
      i = skipWs(line, i + 1);
      const c = line.charCodeAt(i);
      let end: number;
      if (c === 34 /* " */) {
        end = (escapes ? stringEnd(line, i) : line.indexOf('"', i + 1)) + 1;
        if (end <= 0) return fallback(line);
        if (col !== undefined) {
          const raw = line.slice(i + 1, end - 1);
          const type = types[col] as DataType;
          if (escapes && raw.includes("\\"))
            fields[col] = (slow[col] as (v: unknown) => string)(JSON.parse(`"${raw}"`));
          else fields[col] = type === "json" ? `"${raw}"` : raw;
        }
      } else if (c === 123 /* { */ || c === 91 /* [ */) {
        end = containerEnd(line, i);
        if (end < 0) return fallback(line);
        if (col !== undefined)
          fields[col] = (slow[col] as (v: unknown) => string)(parseJson(line.slice(i, end)));
      } else {
        end = scalarEnd(line, i);
        if (col !== undefined) {
          const raw = line.slice(i, end);
          fields[col] = scalarField(raw, types[col] as DataType, slow[col] as (v: unknown) => string);
        }
      }
      i = skipWs(line, end);
      const sep = line.charCodeAt(i);
      if (sep === 44 /* , */) {
        i = skipWs(line, i + 1);
        continue;
      }
      if (sep === 125 /* } */) return finish();
      return fallback(line);
    }
    return fallback(line);
  };

  function finish(): string {
    let out = fields[0] as string;
    for (let k = 1; k < n; k++) out += `\t${fields[k] as string}`;
    return `${out}\n`;
  }

  function fallback(line: string): string {
    // Anything unexpected (whitespace oddities, invalid JSON) goes through the reference path, which
    // also produces the proper error for a corrupt line.
    const row = parseJson(line) as Record<string, unknown>;
    for (let k = 0; k < n; k++) {
      const v = row[(columns[k] as { name: string }).name];
      fields[k] = v === null || v === undefined ? COPY_NULL : (slow[k] as (v: unknown) => string)(v);
    }
    return finish();
  }
}

function scalarField(raw: string, type: DataType, slow: (v: unknown) => string): string {
  if (raw === "null") return COPY_NULL;
  if (raw === "true" || raw === "false") {
    if (type === "bool") return raw === "true" ? "t" : "f";
    return raw;
  }
  // A number: JSON's spelling is what PostgreSQL parses, except that an integer column needs integer text.
  if (type === "bigint" && /[.eE]/.test(raw)) return slow(Number(raw));
  if (type === "text") return escapeCopyText(numberText(raw));
  return raw;
}

/** A JSON number as text, spelled as the parsed value prints (`1.0` → `1`), integers with every digit. */
function numberText(raw: string): string {
  const n = Number(raw);
  return Number.isSafeInteger(n) || !/^-?\d+$/.test(raw) ? String(n) : String(BigInt(raw));
}

function skipWs(s: string, i: number): number {
  let c = s.charCodeAt(i);
  while (c === 32 || c === 9 || c === 10 || c === 13) c = s.charCodeAt(++i);
  return i;
}

/** Index of the closing quote of the string starting at `start` (a quote), or -1. */
function stringEnd(s: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const q = s.indexOf('"', i);
    if (q < 0) return -1;
    // Count the backslashes before the quote: an odd number escapes it.
    let b = q - 1;
    while (b > start && s.charCodeAt(b) === 92) b--;
    if ((q - 1 - b) % 2 === 0) return q;
    i = q + 1;
  }
}

function containerEnd(s: string, start: number): number {
  let depth = 0;
  for (let i = start; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 34) {
      i = stringEnd(s, i);
      if (i < 0) return -1;
    } else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

function scalarEnd(s: string, start: number): number {
  let i = start;
  for (;;) {
    const c = s.charCodeAt(i);
    if (c === 44 || c === 125 || c === 32 || c === 9 || c === 10 || c === 13 || Number.isNaN(c)) return i;
    i++;
  }
}
