import { describe, expect, it } from "vitest";
import { UndoLog } from "./undo-log.js";

describe("UndoLog", () => {
  it("reverses the steps since the last clear, newest first, once", () => {
    const log = new UndoLog();
    const done: string[] = [];
    log.push(() => done.push("kept"));
    log.clear();
    log.push(() => done.push("first"));
    log.push(() => done.push("second"));
    log.rollback();
    expect(done).toEqual(["second", "first"]);
    log.rollback();
    expect(done).toEqual(["second", "first"]);
  });
});
