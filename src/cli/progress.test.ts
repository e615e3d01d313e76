import { describe, expect, it } from "vitest";
import { ProgressReporter } from "./progress.js";
import { textTable } from "./text-table.js";

function sink(): { stream: NodeJS.WritableStream; text: () => string } {
  let buf = "";
  const write = (s: string): boolean => {
    buf += s;
    return true;
  };
  const stream = { write } as unknown as NodeJS.WritableStream;
  return { stream, text: () => buf };
}

describe("ProgressReporter", () => {
  it("prints plain lines off a terminal: start, stage changes, and a final line per resource", () => {
    let now = 0;
    const out = sink();
    const p = new ProgressReporter({ stream: out.stream, live: false, now: () => now });
    p.setStage("extract");
    const r = p.resource("events");
    r.sources.push({ pages: 3, records: 250, retries: 1, requests: 4 });
    now = 500;
    p.finish("events");
    p.setStage("load");
    expect(out.text()).toBe(
      [
        "stage: extract",
        "extract events: started",
        "extract events  3 pages  250 records  500 rec/s  1 retry  500 ms  done",
        "stage: load",
        "",
      ].join("\n"),
    );
  });

  it("redraws one live line per resource in place on a terminal", () => {
    const out = sink();
    const p = new ProgressReporter({ stream: out.stream, live: true, now: () => 1000 });
    p.setStage("extract");
    p.resource("a").seenRecords = 10;
    p.writeLine("a log line\n");
    expect(out.text()).toContain("\x1b[1A\x1b[0J");
    expect(out.text()).toContain(
      "a log line\nextract 0 ms\n  a  0 pages  10 records  0 rec/s  0 retries  0 ms\n",
    );
  });
});

describe("textTable", () => {
  it("aligns text left and numbers right", () => {
    expect(
      textTable(
        ["table", "rows"],
        [
          ["a", 5],
          ["bbb", 120],
        ],
      ),
    ).toBe(["table  rows", "-----  ----", "a         5", "bbb     120"].join("\n"));
  });
});
