import { redact } from "./redact.js";

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export type LogFields = Record<string, unknown>;

export interface LogEntry {
  time: string;
  level: Exclude<LogLevel, "silent">;
  msg: string;
  fields: LogFields;
}

/** Structured, redacting logger. Sinks decide the format (text lines, JSON lines, in-memory for tests). */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export type LogSink = (entry: LogEntry) => void;

export function createLogger(options: { level?: LogLevel; sink?: LogSink; fields?: LogFields } = {}): Logger {
  const level = options.level ?? "info";
  const sink = options.sink ?? textSink(process.stderr);
  const base = options.fields ?? {};
  const emit = (lvl: Exclude<LogLevel, "silent">, msg: string, fields?: LogFields) => {
    if (RANK[lvl] < RANK[level]) return;
    sink({
      time: new Date().toISOString(),
      level: lvl,
      msg: redact(msg),
      fields: redactFields({ ...base, ...fields }),
    });
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (fields) => createLogger({ level, sink, fields: { ...base, ...fields } }),
  };
}

function redactFields(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [k, v] of Object.entries(fields)) out[k] = redactValue(v, 0);
  return out;
}

/** Strings masked at any depth (bounded), so a secret is masked before any sink escapes it. */
function redactValue(value: unknown, depth: number): unknown {
  if (typeof value === "string") return redact(value);
  if (depth > 8 || value === null || typeof value !== "object") return value;
  if (value instanceof Error) return redact(value.message);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactValue(v, depth + 1);
  return out;
}

export function textSink(stream: NodeJS.WritableStream): LogSink {
  return (e) => {
    const extra = Object.entries(e.fields)
      .map(([k, v]) => `${k}=${typeof v === "string" ? v : jsonText(v)}`)
      .join(" ");
    stream.write(`${e.time} ${e.level.toUpperCase().padEnd(5)} ${e.msg}${extra ? ` ${extra}` : ""}\n`);
  };
}

/**
 * One JSON object per line: `time`, `level`, `msg`, then the fields at the top level (a field named like
 * one of those three is kept as `<name>_field` rather than overwriting it).
 */
export function jsonSink(stream: NodeJS.WritableStream): LogSink {
  return (e) => stream.write(`${formatJsonEntry(e)}\n`);
}

export function formatJsonEntry(e: LogEntry): string {
  const line: Record<string, unknown> = { time: e.time, level: e.level, msg: e.msg };
  for (const [k, v] of Object.entries(e.fields)) line[Object.hasOwn(line, k) ? `${k}_field` : k] = v;
  return redact(jsonText(line));
}

// bigint (exact int64 values) has no JSON form of its own: written as its digits.
function jsonText(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) ?? "null";
}

/** A logger that keeps entries in memory: for tests and for the run trace. */
export function memoryLogger(level: LogLevel = "debug"): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const logger = createLogger({ level, sink: (e) => entries.push(e) });
  return Object.assign(logger, { entries });
}

export const silentLogger: Logger = createLogger({ level: "silent" });
