/**
 * Errors across a thread boundary. Structured clone keeps only an Error's message and stack, so a
 * SchemaContractError from a worker would arrive as a plain Error without its code, hint or fields, and
 * the CLI could no longer say what to fix. This keeps the class (from a list the receiver knows), the
 * message, the stack and every own field.
 */
export interface TransferredError {
  name: string;
  message: string;
  stack: string | undefined;
  fields: Record<string, unknown>;
}

// biome-ignore lint/suspicious/noExplicitAny: any constructor signature; only its prototype is used
type ErrorClass = abstract new (...args: any[]) => Error;

export function errorToTransfer(err: unknown): TransferredError {
  if (!(err instanceof Error)) return { name: "Error", message: String(err), stack: undefined, fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(err)) {
    if (key === "cause" || typeof value === "function") continue;
    fields[key] = value;
  }
  return { name: err.name, message: err.message, stack: err.stack, fields };
}

/** The error again, as an instance of the class of that name among `classes` (else a plain Error). */
export function errorFromTransfer(t: TransferredError, classes: readonly ErrorClass[]): Error {
  const cls = classes.find((c) => c.name === t.name);
  const err: Error = cls === undefined ? new Error(t.message) : Object.create(cls.prototype);
  Object.defineProperty(err, "message", { value: t.message, writable: true, configurable: true });
  if (t.stack !== undefined)
    Object.defineProperty(err, "stack", { value: t.stack, writable: true, configurable: true });
  Object.assign(err, t.fields);
  return err;
}
