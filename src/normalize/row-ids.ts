import { randomBytes } from "node:crypto";
import { recordToJson } from "../core/record-json.js";
import { isSystemColumn } from "../core/system-names.js";
import type { ResolvedWriteDisposition } from "./resource-hints.js";

/**
 * Row ids. Root rows of append/replace tables get a random id: a per-normalizer random prefix (80 bits)
 * plus a counter, unique without a random draw per row. Merge tables with a primary key derive the root id
 * from the key values, and scd2 tables from the row content, so the same record always gets the same id
 * (and its child rows, derived from it, too). Child ids are `<parent id>.<field>.<index>`: deterministic
 * and unique within their table by construction, with no hashing per row.
 */
export class RootIdGenerator {
  private readonly prefix = randomBytes(10).toString("base64url");
  private counter = 0;

  next(): string {
    return this.prefix + (this.counter++).toString(36);
  }

  /** The id of a filled root row; a merge row missing a key value gets a random one. */
  forRow(mode: IdMode, row: Record<string, unknown>, primaryKey: readonly string[]): string {
    if (mode === "random") return this.next();
    if (mode === "primary_key") return primaryKeyId(row, primaryKey) ?? this.next();
    return contentId(row);
  }
}

/** How root rows get `_sluice_id`: random, from the primary key (merge), or from the content (scd2). */
export type IdMode = "random" | "primary_key" | "content";

export function rootIdMode(wd: ResolvedWriteDisposition, primaryKey: readonly string[]): IdMode {
  if (wd.strategy === "scd2") return "content";
  return wd.disposition === "merge" && primaryKey.length > 0 ? "primary_key" : "random";
}

export function childRowId(parentId: string, field: string, index: number): string {
  return `${parentId}.${field}.${index}`;
}

/**
 * Non-cryptographic 106-bit hash (two independently seeded 53-bit mixes), as base36: deterministic ids
 * from key or content strings without paying for a crypto digest per row.
 */
export function hashId(s: string): string {
  return mix53(s, 0x9e3779b1).toString(36) + mix53(s, 0x85ebca77).toString(36).padStart(11, "0");
}

function mix53(s: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** Root id of a merge-table row from its primary key values, or undefined when a key value is missing. */
export function primaryKeyId(row: Record<string, unknown>, pk: readonly string[]): string | undefined {
  let key = "";
  for (let i = 0; i < pk.length; i++) {
    const v = row[pk[i]!];
    if (v === undefined || v === null) return undefined;
    key += `${i === 0 ? "" : "\u001f"}${typeof v === "object" ? recordToJson(v) : String(v)}`;
  }
  return `k${hashId(key)}`;
}

/**
 * Root id of an scd2 row from its data values: key order and empty slots (columns the row does not fill)
 * do not matter, so the same record hashes alike before and after the table gains columns.
 */
export function contentId(row: Record<string, unknown>): string {
  const keys = Object.keys(row)
    .filter((k) => row[k] !== undefined && !isSystemColumn(k))
    .sort();
  let s = "";
  for (const k of keys) s += `${k}\u001e${recordToJson(row[k])}\u001f`;
  return `h${hashId(s)}`;
}
