import { describe, expect, it } from "vitest";
import { errorFromTransfer, errorToTransfer } from "./error-transfer.js";
import { SluiceError } from "./errors.js";

class ColumnError extends SluiceError {
  readonly column: string;
  constructor(column: string) {
    super(`column "${column}" is wrong`, { code: "COLUMN_WRONG", hint: "fix the column" });
    this.column = column;
  }
}

describe("errors across threads", () => {
  it("keeps the class, message, stack, code, hint and fields through a structured clone", () => {
    const original = new ColumnError("extra");
    const copy = errorFromTransfer(structuredClone(errorToTransfer(original)), [ColumnError, SluiceError]);
    expect(copy).toBeInstanceOf(ColumnError);
    expect(copy).toBeInstanceOf(SluiceError);
    expect(copy.message).toBe(original.message);
    expect(copy.stack).toBe(original.stack);
    const c = copy as ColumnError;
    expect([c.code, c.hint, c.column, c.name]).toEqual([
      "COLUMN_WRONG",
      "fix the column",
      "extra",
      "ColumnError",
    ]);
  });

  it("turns an unknown class or a thrown non-error into a plain Error with the message", () => {
    class Odd extends Error {}
    const odd = errorFromTransfer(errorToTransfer(new Odd("odd")), [SluiceError]);
    expect(odd.constructor).toBe(Error);
    expect(odd.message).toBe("odd");
    expect(errorFromTransfer(errorToTransfer("plain"), []).message).toBe("plain");
  });
});
