import { SluiceError } from "../core/errors.js";
import { EXIT, type ExitCode } from "./exit-codes.js";

export type StopSignal = "SIGINT" | "SIGTERM";

/** A run stopped by Ctrl-C or SIGTERM. Exit code 130 / 143, as a shell reports a process the signal killed. */
export class InterruptedError extends SluiceError {
  readonly signal: StopSignal;
  readonly exitCode: ExitCode;

  constructor(signal: StopSignal, message: string, hint: string) {
    super(message, { code: "INTERRUPTED", hint });
    this.signal = signal;
    this.exitCode = exitCodeForSignal(signal);
  }
}

export function exitCodeForSignal(signal: StopSignal): ExitCode {
  return signal === "SIGINT" ? EXIT.interrupted : EXIT.terminated;
}

export interface SignalWatch {
  /** Aborts (with an InterruptedError as its reason) at the first SIGINT or SIGTERM. */
  readonly signal: AbortSignal;
  /** The first signal received, if any. */
  received(): StopSignal | undefined;
  /** Stops listening: a later signal has its default effect again (the process ends at once). */
  dispose(): void;
}

/**
 * Listens for SIGINT and SIGTERM while a run is in progress. The first one asks the run to stop (the
 * returned signal aborts) so it can finish cleanly; a second one, while the run is still shutting down,
 * calls `onSecond`, which must end the process at once.
 */
export function watchSignals(options: {
  onFirst?: (signal: StopSignal) => void;
  onSecond: (signal: StopSignal) => void;
  process?: Pick<NodeJS.Process, "on" | "removeListener">;
}): SignalWatch {
  const proc = options.process ?? process;
  const controller = new AbortController();
  let first: StopSignal | undefined;
  const handle = (sig: StopSignal) => {
    if (first !== undefined) {
      options.onSecond(sig);
      return;
    }
    first = sig;
    controller.abort(
      new InterruptedError(
        sig,
        `interrupted by ${sig}: the run stopped before it finished`,
        "run the same command again: pending work is resumed, nothing is loaded twice",
      ),
    );
    options.onFirst?.(sig);
  };
  const onInt = () => handle("SIGINT");
  const onTerm = () => handle("SIGTERM");
  proc.on("SIGINT", onInt);
  proc.on("SIGTERM", onTerm);
  return {
    signal: controller.signal,
    received: () => first,
    dispose: () => {
      proc.removeListener("SIGINT", onInt);
      proc.removeListener("SIGTERM", onTerm);
    },
  };
}
