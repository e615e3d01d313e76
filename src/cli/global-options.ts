import type { LogLevel } from "../core/logger.js";

/** Options every command accepts. */
export interface GlobalOptions {
  logLevel: LogLevel;
  logFormat: "text" | "json";
  verbose: boolean;
}

const LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error", "silent"];

export function readGlobalOptions(raw: Record<string, unknown>): GlobalOptions {
  const verbose = raw.verbose === true;
  const level = typeof raw.logLevel === "string" ? (raw.logLevel as LogLevel) : verbose ? "debug" : "info";
  return {
    logLevel: LEVELS.includes(level) ? level : "info",
    logFormat: raw.logFormat === "json" ? "json" : "text",
    verbose,
  };
}
