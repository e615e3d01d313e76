import { SluiceError } from "../../core/errors.js";
import type { StoredSchema } from "../../schema/types.js";
import {
  destinationLoadError,
  type LoadErrorFacts,
  type LoadErrorKind,
  type LoadStep,
} from "../load-error.js";
import { qualified } from "../sql/sql-dialect.js";
import { pgType } from "./postgres-dialect.js";

/** The fields `pg` copies from PostgreSQL's ErrorResponse (and Node's socket errors' `code`). */
interface PgErrorFields {
  message?: string;
  code?: string;
  detail?: string;
  where?: string;
  table?: string;
  column?: string;
  constraint?: string;
}

/** Connection lost, server shutting down, out of resources, serialization or lock: a retry may succeed. */
const TRANSIENT_ERRNO = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

function kindOf(e: PgErrorFields): LoadErrorKind {
  const code = e.code ?? "";
  if (TRANSIENT_ERRNO.has(code) || /^(08|53|57P0)/.test(code) || ["40001", "40P01", "55P03"].includes(code))
    return "transient";
  if (/Connection terminated|connection (?:lost|closed)/i.test(e.message ?? "")) return "transient";
  switch (code) {
    case "23502":
      return "not_null";
    case "23514":
      return "check";
    case "23505":
      return "unique";
    case "23503":
      return "foreign_key";
    case "42P01":
    case "42703":
    case "3F000":
      return "missing_object";
    case "42501":
      return "permission";
  }
  return code.startsWith("22") || code === "42804" ? "type" : "other";
}

/**
 * PostgreSQL names the table, column and constraint in the error's fields; COPY adds
 * `COPY <table>, line <n>, column <col>: "<value>"` in `where`, which gives the record too.
 */
export function translatePostgresError(
  err: unknown,
  ctx: { loadId: string; dataset: string; schema: StoredSchema },
  step: LoadStep,
): SluiceError {
  if (err instanceof SluiceError) return err;
  const e: PgErrorFields = err !== null && typeof err === "object" ? (err as PgErrorFields) : {};
  const message = e.message ?? String(err);
  // "Failing row contains (…)" lists every value of the row, secret-looking columns included: left out.
  const detail = e.detail?.startsWith("Failing row contains") ? undefined : e.detail;
  const raw = [message, detail, e.where?.split("\n")[0]].filter(Boolean).join("\n");
  const facts: LoadErrorFacts = {
    destination: "postgres",
    loadId: ctx.loadId,
    dataset: ctx.dataset,
    kind: kindOf(e),
    raw,
    ...(e.code === undefined ? {} : { dbCode: e.code }),
    ...(e.constraint === undefined ? {} : { constraint: e.constraint }),
  };
  // Staging tables are sluice's own: the user's table is the one the step was writing.
  const table = e.table !== undefined && !e.table.startsWith("_sluice_stg_") ? e.table : step.table;
  if (table !== undefined) {
    facts.table = table;
    facts.qualifiedTable = qualified(ctx.dataset, table);
  }
  if (e.column !== undefined) facts.column = e.column;
  const copy = /^COPY [^,]+, line (\d+)(?:, column ([^:]+))?(?:: "((?:[^"\\]|\\.)*)")?/.exec(e.where ?? "");
  if (copy !== null) {
    facts.streamRow = Number(copy[1]);
    if (copy[2] !== undefined) facts.column ??= copy[2];
    if (copy[3] !== undefined && copy[2] !== undefined) facts.value = copy[3];
  }
  if (facts.kind === "not_null") facts.value = null;
  else if (facts.value === undefined) {
    const key = /^Key \(([^)]+)\)=\((.*)\) already exists/.exec(e.detail ?? "");
    const quoted = /: "((?:[^"\\]|\\.)*)"$/.exec(message) ?? /^value "([^"]*)" is out of range/.exec(message);
    if (key !== null) {
      facts.column ??= key[1];
      facts.value = key[2] ?? null;
    } else if (quoted !== null) facts.value = quoted[1] ?? null;
  }
  return destinationLoadError(facts, step, ctx.schema, err, (c) => pgType(c));
}
