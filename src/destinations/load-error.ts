import { readFileSync } from "node:fs";
import { SluiceError } from "../core/errors.js";
import { MASK, redact, SENSITIVE_NAME } from "../core/redact.js";
import { SYSTEM_COLUMNS } from "../core/system-names.js";
import type { ColumnSchema, StoredSchema } from "../schema/types.js";

/**
 * Destination refusals as sluice's own errors. Each destination parses its database's error into
 * `LoadErrorFacts`; this module turns the facts into one message that names the table, the column, the
 * value (masked when secret) and the record, and a hint with the fix. The database's own text stays as the
 * last line of the message and as `cause`, never as the headline.
 */
export type LoadErrorKind =
  | "not_null"
  | "check"
  | "unique"
  | "foreign_key"
  | "type"
  | "missing_object"
  | "permission"
  | "transient"
  | "other";

/** Where a commit was when it failed: the table being written and the package files holding its rows. */
export interface LoadStep {
  table?: string;
  files?: readonly string[];
}

export interface LoadErrorFacts {
  destination: string;
  loadId: string;
  dataset: string;
  kind: LoadErrorKind;
  table?: string;
  column?: string;
  /** The offending value as the database printed it; null for a missing value. */
  value?: string | null;
  constraint?: string;
  /** The database's error code (SQLSTATE, errno), when it has one. */
  dbCode?: string;
  /** The database's own message (first lines), kept as detail. */
  raw: string;
  /** A package file and 1-based line the database named, to find the record. */
  fileLine?: { file: string; line: number };
  /** The 1-based row of a COPY stream that spans `step.files` in order. */
  streamRow?: number;
  /** The destination's type for the column as the package expects it, for the ALTER suggestion. */
  expectedType?: string;
  /** Quoted `schema.table` for SQL suggestions. */
  qualifiedTable?: string;
}

/** The source record a refused row came from, as far as the package files tell. */
export interface RefusedRecord {
  /** Primary key values (or `_sluice_id`), `name=value`, values masked when secret. */
  keys: string[];
  /** Field names of the row. */
  fields: string[];
}

export class DestinationLoadError extends SluiceError {
  readonly destination: string;
  readonly kind: LoadErrorKind;
  readonly table: string | undefined;
  readonly column: string | undefined;
  /** Printable, masked. */
  readonly value: string | undefined;
  readonly record: RefusedRecord | undefined;
  /** A lost connection, a full disk, a lock: worth retrying once; a refusal of the data is not. */
  readonly transient: boolean;
  /** The database's own text. */
  readonly detail: string;

  constructor(
    message: string,
    fields: {
      facts: LoadErrorFacts;
      hint: string;
      value: string | undefined;
      record: RefusedRecord | undefined;
      cause: unknown;
    },
  ) {
    super(message, {
      code: fields.facts.kind === "transient" ? "DESTINATION_UNAVAILABLE" : "DESTINATION_REFUSED",
      hint: fields.hint,
      cause: fields.cause,
    });
    this.destination = fields.facts.destination;
    this.kind = fields.facts.kind;
    this.table = fields.facts.table;
    this.column = fields.facts.column;
    this.value = fields.value;
    this.record = fields.record;
    this.transient = fields.facts.kind === "transient";
    this.detail = redact(fields.facts.raw);
  }
}

/** True for errors (sluice's or another copy's, read by shape) that say a retry may succeed. */
export function isTransientLoadError(err: unknown): boolean {
  return err !== null && typeof err === "object" && (err as { transient?: unknown }).transient === true;
}

const MAX_VALUE = 80;

/** A value for a message: masked when its column looks secret or it is a registered secret, cut when long. */
export function printableValue(
  column: string | undefined,
  value: string | null | undefined,
): string | undefined {
  if (value === undefined) return undefined;
  if (value === null) return "NULL";
  if (column !== undefined && SENSITIVE_NAME.test(column)) return MASK;
  const masked = redact(value);
  return masked.length > MAX_VALUE ? `${masked.slice(0, MAX_VALUE - 1)}…` : masked;
}

/** Builds the error from parsed facts, looking the refused record up in the package files when it can. */
export function destinationLoadError(
  facts: LoadErrorFacts,
  step: LoadStep,
  schema: StoredSchema | undefined,
  cause: unknown,
  /** The destination's type for a column of the package schema, for the ALTER suggestion. */
  typeOf?: (column: ColumnSchema) => string,
): DestinationLoadError {
  const located = locateRecord(facts, step);
  const column = facts.column ?? located?.column;
  const schemaColumn =
    facts.table === undefined || column === undefined
      ? undefined
      : schema?.tables[facts.table]?.columns[column];
  const withColumn: LoadErrorFacts = {
    ...facts,
    ...(column === undefined ? {} : { column }),
    ...(facts.expectedType === undefined && schemaColumn !== undefined && typeOf !== undefined
      ? { expectedType: typeOf(schemaColumn) }
      : {}),
  };
  const value = printableValue(column, facts.value);
  if (value === MASK && typeof facts.value === "string" && facts.value !== "")
    // The database's own text echoes the value too.
    withColumn.raw = withColumn.raw.split(facts.value).join(MASK);
  const record = located === undefined ? undefined : describeRecord(located.row, facts.table, schema);
  const where = [
    facts.table === undefined ? `dataset "${facts.dataset}"` : `table "${facts.table}"`,
    column === undefined ? "" : `column "${column}"`,
  ]
    .filter(Boolean)
    .join(", ");
  const lines = [`${facts.destination} refused load ${facts.loadId}: ${where}: ${what(withColumn, value)}`];
  if (record !== undefined)
    lines.push(
      `  record: ${record.keys.join(", ") || "(no key)"}${record.fields.length > 0 ? ` (fields: ${record.fields.join(", ")})` : ""}`,
    );
  lines.push(`  ${facts.destination} said: ${oneLine(withColumn.raw)}`);
  return new DestinationLoadError(lines.join("\n"), {
    facts: withColumn,
    hint: fixFor(withColumn),
    value,
    record,
    cause,
  });
}

function oneLine(raw: string): string {
  const first = raw.split("\n").filter((l) => l.trim() !== "")[0] ?? raw;
  return first.length > 300 ? `${first.slice(0, 299)}…` : first;
}

function what(f: LoadErrorFacts, value: string | undefined): string {
  const v = value === undefined ? "a value" : `value ${value}`;
  switch (f.kind) {
    case "not_null":
      return "a record has no value for a NOT NULL column";
    case "check":
      return `${v} breaks the CHECK constraint${f.constraint ? ` ${f.constraint}` : ""}`;
    case "unique":
      return `${v} duplicates a key of a PRIMARY KEY or UNIQUE constraint${f.constraint ? ` (${f.constraint})` : ""}`;
    case "foreign_key":
      return `${v} breaks a FOREIGN KEY constraint${f.constraint ? ` (${f.constraint})` : ""}`;
    case "type":
      return `${v} does not fit the column's type in the destination${f.expectedType ? ` (sluice expects ${f.expectedType})` : ""}`;
    case "missing_object":
      return "a table or column sluice expects is missing or was changed outside sluice";
    case "permission":
      return "permission denied";
    case "transient":
      return "the destination failed during the load (connection, disk, memory or a lock); nothing was committed";
    case "other":
      return "the load was refused; nothing was committed";
  }
}

function fixFor(f: LoadErrorFacts): string {
  const t = f.qualifiedTable ?? (f.table === undefined ? "the table" : `"${f.table}"`);
  const c = f.column === undefined ? "the column" : `"${f.column}"`;
  const then = "nothing of the load was committed";
  switch (f.kind) {
    case "not_null":
      return `Allow NULL in the destination (ALTER TABLE ${t} ALTER COLUMN ${c} DROP NOT NULL), or make the source send the field (a column hint nullable: false refuses such records before loading); ${then}.`;
    case "check":
      return `Relax or drop the CHECK constraint on ${t} in the destination, or fix the value at the source; ${then}.`;
    case "unique":
      return `A key must be unique in ${t}: set primary_key with write_disposition merge on the resource, or drop the constraint in the destination; ${then}.`;
    case "foreign_key":
      return `Drop or relax the FOREIGN KEY constraint on ${t} in the destination (sluice loads child tables by _sluice_parent_id, not foreign keys); ${then}.`;
    case "type":
      return `Change ${c} back to the type sluice created${f.expectedType ? ` (ALTER TABLE ${t} ALTER COLUMN ${c} TYPE ${f.expectedType})` : ""}, or give the column a type hint that fits the data (columns: {${f.column ?? "name"}: {data_type: "text"}} or "decimal"); ${then}.`;
    case "missing_object":
      return `Recreate what was dropped or renamed in the destination, or drop the resource (sluice pipeline <name> drop <resource>) so sluice creates it again; ${then}.`;
    case "permission":
      return `Grant the destination user the rights to create and write tables in dataset "${f.dataset}"; ${then}.`;
    case "transient":
      return "Check that the destination is reachable and has disk and memory; the next run retries this package once by itself.";
    case "other":
      return `Fix the cause named above; ${then}.`;
  }
}

interface Located {
  row: Record<string, unknown>;
  column?: string;
}

/**
 * Finds the refused row in the package files: by the file and line the database named, by the row number
 * of a COPY stream, or by the first row whose column holds the offending value (missing for NOT NULL).
 * Reads only on this failure path, file by file, and stops at the first match.
 */
function locateRecord(f: LoadErrorFacts, step: LoadStep): Located | undefined {
  try {
    if (f.fileLine !== undefined) {
      const files = step.files ?? [];
      const file =
        files.find((p) => p === f.fileLine?.file || p.endsWith(`/${f.fileLine?.file}`)) ?? f.fileLine.file;
      const line = readFileSync(file, "utf8").split("\n")[f.fileLine.line - 1];
      return line === undefined ? undefined : withValueColumn(parseRow(line), line, f);
    }
    const files = step.files ?? [];
    if (f.streamRow !== undefined) {
      let n = 0;
      for (const file of files)
        for (const line of readFileSync(file, "utf8").split("\n")) {
          if (line === "") continue;
          if (++n === f.streamRow) return withValueColumn(parseRow(line), line, f);
        }
      return undefined;
    }
    if (f.column === undefined && (f.value === undefined || f.value === null)) return undefined;
    for (const file of files)
      for (const line of readFileSync(file, "utf8").split("\n")) {
        if (line === "") continue;
        if (f.value === null || f.value === undefined) {
          const row = parseRow(line);
          if (f.column !== undefined && (row[f.column] === null || row[f.column] === undefined))
            return { row };
          continue;
        }
        if (!line.includes(f.value)) continue;
        const located = withValueColumn(parseRow(line), line, f);
        if (f.column === undefined || located.column === f.column || rawField(line, f.column) === f.value)
          return located;
      }
  } catch {
    // The record is a courtesy: an unreadable file must not hide the error itself.
  }
  return undefined;
}

function parseRow(line: string): Record<string, unknown> {
  const v: unknown = JSON.parse(line);
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** The column holding the value, compared on the raw JSON text so integers beyond 2^53 still match. */
function withValueColumn(row: Record<string, unknown>, line: string, f: LoadErrorFacts): Located {
  if (f.column !== undefined || f.value === undefined || f.value === null) return { row };
  for (const name of Object.keys(row)) if (rawField(line, name) === f.value) return { row, column: name };
  return { row };
}

/** The raw JSON text of a top-level field (numbers as written, strings unquoted). */
function rawField(line: string, name: string): string | undefined {
  const key = `${JSON.stringify(name)}:`;
  const at = line.indexOf(key);
  if (at === -1) return undefined;
  const rest = line.slice(at + key.length);
  if (rest.startsWith('"')) {
    const m = /^"((?:[^"\\]|\\.)*)"/.exec(rest);
    return m?.[1] === undefined ? undefined : (JSON.parse(`"${m[1]}"`) as string);
  }
  const m = /^[^,}\]]*/.exec(rest);
  return m?.[0].trim();
}

function describeRecord(
  row: Record<string, unknown>,
  table: string | undefined,
  schema: StoredSchema | undefined,
): RefusedRecord {
  const columns = table === undefined ? undefined : schema?.tables[table]?.columns;
  const pk = Object.values(columns ?? {})
    .filter((c) => c.primary_key === true)
    .map((c) => c.name);
  const keyNames = pk.length > 0 ? pk : [SYSTEM_COLUMNS.id].filter((k) => k in row);
  const keys = keyNames.map((k) => `${k}=${printableValue(k, stringify(row[k])) ?? ""}`);
  const fields = Object.keys(row).filter((k) => !k.startsWith("_sluice_"));
  return { keys, fields: fields.length > 12 ? [...fields.slice(0, 12), "…"] : fields };
}

function stringify(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === "string" ? v : JSON.stringify(v);
}

/**
 * The package's load id was committed by someone else while this load waited for its turn (a retried
 * activity racing the first): nothing of this attempt is kept, and the caller counts it as loaded.
 */
export class LoadAlreadyCommitted extends SluiceError {
  constructor(readonly loadId: string) {
    super(`load ${loadId} was committed by another process meanwhile`, { code: "LOAD_ALREADY_COMMITTED" });
  }
}
