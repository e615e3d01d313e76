import { SluiceError } from "../../core/errors.js";
import type { StoredSchema } from "../../schema/types.js";
import {
  destinationLoadError,
  type LoadErrorFacts,
  type LoadErrorKind,
  type LoadStep,
} from "../load-error.js";
import { qualified } from "../sql/sql-dialect.js";
import { duckdbType } from "./duckdb-dialect.js";

/**
 * DuckDB's errors carry no fields, only text of the form "<Kind> Error: <message>". The patterns below are
 * the refusals a load meets (constraints, casts, JSON scans); anything else keeps its text as detail.
 */
export function translateDuckdbError(
  err: unknown,
  ctx: { loadId: string; dataset: string; schema: StoredSchema },
  step: LoadStep,
): SluiceError {
  if (err instanceof SluiceError) return err;
  const raw = err instanceof Error ? err.message : String(err);
  const prefix = /^([A-Za-z ]+) Error:/.exec(raw)?.[1] ?? "";
  const facts: LoadErrorFacts = {
    destination: "duckdb",
    loadId: ctx.loadId,
    dataset: ctx.dataset,
    kind: kindOf(prefix, raw),
    raw,
  };
  for (const [pattern, apply] of PATTERNS) {
    const m = pattern.exec(raw);
    if (m === null) continue;
    apply(m, facts);
    break;
  }
  facts.column ??= /source column (\S+)/.exec(raw)?.[1];
  facts.table ??= step.table;
  if (facts.table !== undefined) facts.qualifiedTable = qualified(ctx.dataset, facts.table);
  return destinationLoadError(facts, step, ctx.schema, err, (c) =>
    duckdbType(c.data_type, c.precision, c.scale),
  );
}

type Apply = (m: RegExpExecArray, f: LoadErrorFacts) => void;

/** First match wins; each pulls the table, column, value or file line out of one kind of message. */
const PATTERNS: ReadonlyArray<readonly [RegExp, Apply]> = [
  [
    /NOT NULL constraint failed: ([^.\s]+)\.(\S+)/,
    (m, f) => {
      f.table = m[1];
      f.column = m[2];
      f.value = null;
    },
  ],
  [
    /CHECK constraint failed on table (\S+) with expression (.+)$/m,
    (m, f) => {
      f.table = m[1];
      f.constraint = m[2];
    },
  ],
  [
    /duplicate key "([^"]*)"/,
    (m, f) => {
      f.value = m[1];
    },
  ],
  [
    /JSON transform error in file "([^"]+)", in line (\d+): [^:]*: (.*)$/m,
    (m, f) => {
      f.fileLine = { file: m[1] ?? "", line: Number(m[2]) };
      f.value = m[3]?.trim();
    },
  ],
  [
    /Could not convert string '((?:[^']|'')*)' to /,
    (m, f) => {
      f.value = m[1]?.replace(/''/g, "'");
    },
  ],
  [
    /with value (\S+) can't be cast/,
    (m, f) => {
      f.value = m[1];
    },
  ],
  [
    /format: "([^"]*)"/,
    (m, f) => {
      f.value = m[1];
    },
  ],
];

function kindOf(prefix: string, raw: string): LoadErrorKind {
  if (/NOT NULL constraint/.test(raw)) return "not_null";
  if (/CHECK constraint/.test(raw)) return "check";
  if (/PRIMARY KEY or UNIQUE|duplicate key/i.test(raw)) return "unique";
  if (/foreign key/i.test(raw)) return "foreign_key";
  switch (prefix) {
    case "Conversion":
    case "Invalid Input":
      return "type";
    case "Catalog":
    case "Binder":
      return "missing_object";
    case "Permission":
      return "permission";
    case "IO":
    case "Out of Memory":
    case "Interrupt":
      return "transient";
    default:
      return /could not set lock|database is locked/i.test(raw) ? "transient" : "other";
  }
}
