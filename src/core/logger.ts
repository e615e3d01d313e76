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
  for (const [k, v] of Object.entries(fields)) out[k] = typeof v === "string" ? redact(v) : v;
  return out;
}

export function textSink(stream: NodeJS.WritableStream): LogSink {
  return (e) => {
    const extra = Object.entries(e.fields)
      .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
      .join(" ");
    stream.write(`${e.time} ${e.level.toUpperCase().padEnd(5)} ${e.msg}${extra ? ` ${extra}` : ""}\n`);
  };
}

export function jsonSink(stream: NodeJS.WritableStream): LogSink {
  return (e) =>
    stream.write(`${redact(JSON.stringify({ time: e.time, level: e.level, msg: e.msg, ...e.fields }))}\n`);
}

/** A logger that keeps entries in memory: for tests and for the run trace. */
export function memoryLogger(level: LogLevel = "debug"): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const logger = createLogger({ level, sink: (e) => entries.push(e) });
  return Object.assign(logger, { entries });
}

export const silentLogger: Logger = createLogger({ level: "silent" });
