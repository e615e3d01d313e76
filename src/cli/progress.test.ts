import { describe, expect, it } from "vitest";
import { describeProgress, ProgressReporter, progressEnd, truncateLine } from "./progress.js";
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

describe("live block on a narrow terminal", () => {
  it("truncateLine keeps a line within the terminal's width, leaving the last column free", () => {
    expect(truncateLine("abcdef", 10)).toBe("abcdef");
    expect(truncateLine("abcdefghi", 10)).toBe("abcdefghi");
    expect(truncateLine("abcdefghij", 10)).toBe("abcdefgh…");
    expect(truncateLine("abcdefghijklmnop", 10)).toBe("abcdefgh…");
    expect(truncateLine("abc", undefined)).toBe("abc");
    expect(truncateLine("abc", 1)).toBe("…");
    // Wide characters take two cells: 4 of them fill 8 of the 9 usable cells.
    expect(truncateLine("日本語テキスト", 10)).toBe("日本語テ…");
    for (const cols of [5, 12, 20, 33])
      for (const line of [
        "  issues  12 pages  1,200 records  300 rec/s  0 retries  4.0 s",
        "日本語テキストの行です",
      ])
        expect(cellWidth(truncateLine(line, cols))).toBeLessThan(cols);
  });

  it("draws each line cut to the width, so erasing the block moves up exactly the lines drawn", () => {
    const out = sink();
    const p = new ProgressReporter({ stream: out.stream, live: true, now: () => 1000, columns: () => 24 });
    p.setStage("extract");
    p.resource("a_resource_with_a_long_name").seenRecords = 123456;
    p.resource("b").seenRecords = 1;
    p.writeLine("log\n");
    const esc = String.fromCharCode(27);
    const frames = out.text().split(new RegExp(`\r${esc}\\[(\\d+)A${esc}\\[0J`));
    // frames: [first draw, n, "log\n" + redraw, …]: each erase goes up as many lines as the draw before it.
    for (let i = 1; i < frames.length; i += 2) {
      const before = frames[i - 1]!.replace(/^log\n/, "");
      const drawn = before.split("\n").filter((l) => l !== "");
      expect(Number(frames[i])).toBe(drawn.length);
      for (const l of drawn) expect(cellWidth(l)).toBeLessThan(24);
    }
    expect(frames.length).toBeGreaterThan(2);
  });

  it("keeps the word saying how a resource ended when the numbers are cut", () => {
    const out = sink();
    const p = new ProgressReporter({ stream: out.stream, live: true, now: () => 1000, columns: () => 30 });
    p.setStage("extract");
    p.resource("things").seenRecords = 70;
    p.stop("interrupted");
    const last = out
      .text()
      .split("\n")
      .filter((l) => l !== "");
    expect(last.at(-2)).toMatch(/(^|J)extract 0 ms interrupted$/);
    expect(last.at(-1)).toMatch(/^ {2}things .*… {2}interrupted$/);
    expect(cellWidth(last.at(-1)!)).toBeLessThan(30);
  });

  it('labels resources still running when the run is interrupted "interrupted", never "done"', () => {
    let now = 0;
    const out = sink();
    const p = new ProgressReporter({ stream: out.stream, live: false, now: () => now });
    p.setStage("extract");
    p.resource("finished").seenRecords = 5;
    p.finish("finished");
    p.resource("running").seenRecords = 7;
    now = 100;
    p.stop("interrupted");
    expect(out.text()).toMatch(/extract finished .* done\n/);
    expect(out.text()).toMatch(/extract running .* interrupted\n/);
    expect(p.snapshots().map((s) => [s.name, s.outcome])).toEqual([
      ["finished", "done"],
      ["running", "interrupted"],
    ]);
  });
});

/** Terminal cells of a string, as the reporter counts them (wide CJK characters are two). */
function cellWidth(s: string): number {
  return Array.from(s).reduce((n, ch) => n + (/[\u2e80-\ua4cf\uff00-\uff60]/u.test(ch) ? 2 : 1), 0);
}

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

describe("progress with an end", () => {
  const base = {
    name: "items",
    pages: 25,
    records: 2500,
    retries: 0,
    requests: 25,
    avgInFlight: 2,
    elapsedMs: 5000,
    done: false,
  };

  it("shows a bar, the percentage and the time left on a terminal, and the same in words elsewhere", () => {
    const s = { ...base, expectedPages: 100 };
    expect(progressEnd(s)).toEqual({ fraction: 0.25, leftMs: 15_000 });
    expect(describeProgress(s, 0, true)).toBe(
      "items  [#####...............]  25%  ETA 15.0 s  25 of 100 pages  2,500 records  500 rec/s  0 retries  5.0 s",
    );
    expect(describeProgress(s)).toBe(
      "items  25 of 100 pages (25%, about 15.0 s left)  2,500 records  500 rec/s  0 retries  5.0 s",
    );
  });

  it("keeps counters only where the total is unknown, and once the resource is done", () => {
    expect(progressEnd(base)).toBeUndefined();
    expect(describeProgress(base, 0, true)).toBe(
      "items  25 pages  2,500 records  500 rec/s  0 retries  5.0 s",
    );
    const done = { ...base, done: true, outcome: "done" as const, expectedPages: 25, pages: 25 };
    expect(describeProgress(done)).toBe("items  25 pages  2,500 records  500 rec/s  0 retries  5.0 s  done");
    expect(describeProgress({ ...base, pages: 1, records: 1 })).toMatch(/^items {2}1 page {2}1 record {2}/);
  });

  it("the reporter takes the expected pages of a resource and draws its bar live", () => {
    let now = 0;
    const out = sink();
    const p = new ProgressReporter({ stream: out.stream, live: true, now: () => now, redrawMs: 1_000_000 });
    p.setStage("extract");
    p.resource("items").sources.push({ pages: 10, records: 100, retries: 0, requests: 10 });
    p.expectPages("items", 40);
    now = 2000;
    p.finish("other");
    p.writeLine("x");
    expect(out.text()).toMatch(/items {2}\[#####\.+\] {2}25% {2}ETA 6\.0 s {2}10 of 40 pages/);
  });
});
