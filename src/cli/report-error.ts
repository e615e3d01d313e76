import { ConfigError, MissingSecretError, SluiceError } from "../core/errors.js";
import { redact } from "../core/redact.js";
import { EXIT, type ExitCode } from "./exit-codes.js";

/** Thrown by commands for problems with how they were called (a missing file, an unknown pipeline). */
export class UsageError extends SluiceError {
  constructor(message: string, hint: string) {
    super(message, { code: "USAGE", hint });
  }
}

/** The exit code an error maps to: config and usage problems are 2, everything else that failed is 1. */
export function exitCodeFor(err: unknown): ExitCode {
  if (err instanceof ConfigError || err instanceof MissingSecretError || err instanceof UsageError)
    return EXIT.usage;
  // Unreadable config files, a bad secrets file, an unknown destination: the run never started.
  if (err instanceof SluiceError && /^(CONFIG_|SECRET)/.test(err.code)) return EXIT.usage;
  return EXIT.failure;
}

/**
 * Writes an error for people: what failed (the message names the place), then one line saying what to do
 * next. Stack traces and causes only with `--verbose`.
 */
export function reportError(err: unknown, stderr: NodeJS.WritableStream, verbose: boolean): ExitCode {
  const message = err instanceof Error ? err.message : String(err);
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
  return exitCodeFor(err);
}

function hintFor(err: unknown, verbose: boolean): string {
  if (err instanceof SluiceError && err.hint) return err.hint;
  const cause = err instanceof Error && err.cause instanceof SluiceError ? err.cause.hint : undefined;
  if (cause) return cause;
  return verbose
    ? "this looks like a bug in sluice: please report it with the output above"
    : "re-run with --verbose to see the stack trace";
}
