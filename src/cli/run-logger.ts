import {
  createLogger,
  jsonSink,
  type LogEntry,
  type Logger,
  type LogLevel,
  type LogSink,
  textSink,
} from "../core/logger.js";
import type { ProgressReporter } from "./progress.js";

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Keep the trace bounded however long the run: the newest entries are the useful ones. */
const TRACE_ENTRIES = 2000;

/**
 * The logger of one run: every entry (debug included) goes to the trace buffer; entries at or above the
 * chosen level go to stderr as text or as one JSON object per line. Only a live progress block needs the
 * lines routed through it (so it is erased and redrawn around them); otherwise they go straight to
 * stderr, whatever the progress lines do (hidden at `--log-level warn`, JSON-wrapped with `--log-format
 * json`), so a log line is never filtered or wrapped twice.
 */
export function runLogger(options: {
  level: LogLevel;
  format: "text" | "json";
  stderr: NodeJS.WritableStream;
  progress?: ProgressReporter;
}): { logger: Logger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const progress = options.progress;
  const through: NodeJS.WritableStream =
    progress?.live === true
      ? ({
          write: (s: string) => {
            progress.writeLine(s);
            return true;
          },
        } as unknown as NodeJS.WritableStream)
      : options.stderr;
  const display: LogSink = options.format === "json" ? jsonSink(options.stderr) : textSink(through);
  const logger = createLogger({
    level: "debug",
    sink: (e) => {
      entries.push(e);
      if (entries.length > TRACE_ENTRIES) entries.splice(0, entries.length - TRACE_ENTRIES);
      if (RANK[e.level] >= RANK[options.level]) display(e);
    },
  });
  return { logger, entries };
}
