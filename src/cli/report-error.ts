import { ConfigError, MissingSecretError, SluiceError } from "../core/errors.js";
import { redact } from "../core/redact.js";
import { EXIT, type ExitCode } from "./exit-codes.js";
import { InterruptedError } from "./interrupt.js";

/** Thrown by commands for problems with how they were called (a missing file, an unknown pipeline). */
export class UsageError extends SluiceError {
  constructor(message: string, hint: string) {
    super(message, { code: "USAGE", hint });
  }
}

/**
 * `code` and `hint` of a sluice error. Read by shape, not `instanceof`: a `.ts` config module can load a
 * second copy of sluice, whose errors are SluiceErrors of another class object.
 */
function sluiceFields(err: unknown): { code?: string; hint?: string } {
  if (err === null || typeof err !== "object") return {};
  const { code, hint } = err as { code?: unknown; hint?: unknown };
  return {
    ...(typeof code === "string" ? { code } : {}),
    ...(typeof hint === "string" && hint !== "" ? { hint } : {}),
  };
}

/**
 * The exit code an error maps to: config and usage problems are 2, a run stopped by a signal 130 (SIGINT)
 * or 143 (SIGTERM), everything else that failed is 1.
 */
export function exitCodeFor(err: unknown): ExitCode {
  if (err instanceof InterruptedError) return err.exitCode;
  if (err instanceof ConfigError || err instanceof MissingSecretError || err instanceof UsageError)
    return EXIT.usage;
  // Invalid or unreadable config files, missing secrets, an unknown destination: the run never started.
  const { code } = sluiceFields(err);
  if (code !== undefined && /^(CONFIG_|SECRET|USAGE$)/.test(code)) return EXIT.usage;
  return EXIT.failure;
}

/**
 * Writes an error for people: what failed (the message names the place), then one line saying what to do
 * next. Stack traces and causes only with `--verbose`.
 */
export function reportError(
  err: unknown,
  stderr: NodeJS.WritableStream,
  verbose: boolean,
  format: "text" | "json" = "text",
): ExitCode {
  const message = err instanceof Error ? err.message : String(err);
  const code = exitCodeFor(err);
  if (format === "json") {
    // One JSON object, like every other line of a --log-format json run.
    const line = {
      time: new Date().toISOString(),
      level: "error",
      msg: message,
      hint: hintFor(err, verbose),
      ...(sluiceFields(err).code === undefined ? {} : { code: sluiceFields(err).code }),
      exit_code: code,
      ...(verbose && err instanceof Error && err.stack ? { stack: err.stack } : {}),
    };
    stderr.write(`${redact(JSON.stringify(line))}\n`);
    return code;
  }
  stderr.write(`error: ${redact(message)}\n`);
  if (verbose) {
    let current: unknown = err;
    while (current instanceof Error) {
      if (current.stack) stderr.write(`${redact(current.stack)}\n`);
      current = current.cause;
      if (current instanceof Error) stderr.write("caused by:\n");
    }
  }
  stderr.write(`hint: ${hintFor(err, verbose)}\n`);
  return code;
}

function hintFor(err: unknown, verbose: boolean): string {
  const own = sluiceFields(err).hint;
  if (own) return own;
  const cause = err instanceof Error ? sluiceFields(err.cause).hint : undefined;
  if (cause) return cause;
  return verbose
    ? "this looks like a bug in sluice: please report it with the output above"
    : "re-run with --verbose to see the stack trace";
}
