import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DataRecord } from "../../src/core/json.js";
import { silentLogger } from "../../src/core/logger.js";
import { readNdjsonLines } from "../../src/core/ndjson-files.js";
import { resource, source } from "../../src/core/resource.js";
import { extractResources } from "../../src/extract/index.js";
import { PackageNormalizer } from "../../src/pipeline/normalize-stage.js";
import { type PipelineSandbox, pipelineSandbox } from "../support/pipeline-helpers.js";

let sb: PipelineSandbox;
beforeEach(() => {
  sb = pipelineSandbox();
});
afterEach(() => sb.cleanup());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("parent and child resources", () => {
  it("reads a child once per parent record, in order, with the parent record", async () => {
    const seen: unknown[] = [];
    const repos = resource("repos", async function* () {
      yield [{ id: 1 }, { id: 2 }];
      yield { id: 3 };
    });
    const issues = resource(
      "issues",
      (_ctx, parent?: DataRecord) => {
        seen.push(parent?.["id"]);
        return [{ repo: parent?.["id"], n: 1 }];
      },
      { parent: "repos" },
    );
    const info = await sb.make().run(source("gh", [repos, issues]));
    expect(seen).toEqual([1, 2, 3]);
    expect(info.rowCounts).toEqual({ repos: 3, issues: 3 });
  });

  it("runs parallelized children concurrently, bounded", async () => {
    let running = 0;
    let peak = 0;
    const parents = resource("p", async function* () {
      yield Array.from({ length: 20 }, (_, i) => ({ id: i }));
    });
    const child = resource(
      "c",
      async function* (_ctx, parent?: DataRecord) {
        running++;
        peak = Math.max(peak, running);
        await sleep(15);
        running--;
        yield { pid: parent?.["id"] };
      },
      { parent: "p", parallelized: true },
    );
    const p = sb.make("par", { concurrency: { children: 5 } });
    const info = await p.run(source("s", [parents, child]));
    expect(info.rowCounts["c"]).toBe(20);
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(5);
    expect(await sb.query('SELECT count(DISTINCT pid) AS n FROM $ds."c"')).toEqual([{ n: 20 }]);
  });

  it("runs an unselected parent to feed its child but does not load it", async () => {
    const parent = resource("lookup", [{ id: 7 }], { selected: false });
    const child = resource("detail", (_ctx, rec?: DataRecord) => [{ of: rec?.["id"] }], { parent: "lookup" });
    const info = await sb.make().run(source("s", [parent, child]));
    expect(info.rowCounts).toEqual({ detail: 1 });
  });

  it("runs only the requested resources and the parents they need", async () => {
    const ran: string[] = [];
    const a = resource("a", () => {
      ran.push("a");
      return [{ id: 1 }];
    });
    const b = resource("b", () => {
      ran.push("b");
      return [{ id: 2 }];
    });
    const c = resource(
      "c",
      () => {
        ran.push("c");
        return [{ x: 1 }];
      },
      { parent: "a" },
    );
    const info = await sb.make().run(source("s", [a, b, c]), { resources: ["c"] });
    expect(ran.sort()).toEqual(["a", "c"]);
    expect(info.rowCounts).toEqual({ c: 1 });
    await expect(sb.make().run(source("s", [a]), { resources: ["nope"] })).rejects.toThrow(
      /Unknown resource/,
    );
  });

  it("runs root resources concurrently", async () => {
    let running = 0;
    let peak = 0;
    const slow = (name: string) =>
      resource(name, async function* () {
        running++;
        peak = Math.max(peak, running);
        await sleep(30);
        running--;
        yield { name };
      });
    await sb.make().run(source("s", [slow("r1"), slow("r2"), slow("r3")]));
    expect(peak).toBeGreaterThan(1);
  });

  it("wraps scalar items in a value column and accepts generators of batches", async () => {
    const info = await sb.make().run(
      resource("nums", async function* () {
        yield 1 as unknown as DataRecord;
        yield [{ value: 2 }];
      }),
    );
    expect(info.rowCounts).toEqual({ nums: 2 });
  });
});

describe("package files", () => {
  it("normalizes records as they are extracted, rotating table files by size, in order", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sluice-ex-"));
    try {
      const sink = new PackageNormalizer({
        packageDir: dir,
        loadId: "1.0",
        schema: null,
        schemaName: "t",
        maxIdentifierLength: 63,
        files: { maxFileBytes: 64 * 1024, bufferBytes: 16 * 1024, fsync: false },
      });
      const result = await extractResources({
        sink,
        resources: [
          resource("big", async function* () {
            for (let i = 0; i < 5000; i++) yield { id: i, padText: "x".repeat(100) };
          }),
        ],
        state: {},
        logger: silentLogger,
      });
      expect(result.resources["big"]!.records).toBe(5000);
      const normalized = sink.finish();
      expect(normalized.records).toBe(5000);
      expect(normalized.tables.map((t) => [t.table, t.rowCount])).toEqual([["big", 5000]]);
      const files = normalized.tables[0]!.files;
      expect(files.length).toBeGreaterThan(5);
      expect(readdirSync(join(dir, "normalized")).length).toBe(files.length);
      let n = 0;
      let last = -1;
      for (const f of files)
        for await (const lines of readNdjsonLines(join(dir, f), 1000))
          for (const l of lines) {
            const row = JSON.parse(l) as { id: number; pad_text: string; _sluice_load_id: string };
            expect(row.id).toBe(last + 1);
            expect(row.pad_text).toHaveLength(100);
            expect(row._sluice_load_id).toBe("1.0");
            last = row.id;
            n++;
          }
      expect(n).toBe(5000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("extract failures", () => {
  it("aborts the other resources when one fails", async () => {
    let sawAbort = false;
    const slow = resource("slow", async function* (ctx) {
      for (let i = 0; i < 100; i++) {
        if (ctx.signal.aborted) {
          sawAbort = true;
          return;
        }
        yield { i };
        await sleep(10);
      }
    });
    const bad = resource("bad", async function* () {
      yield { x: 1 };
      await sleep(30);
      throw new Error("api down");
    });
    await expect(sb.make().run(source("s", [slow, bad]))).rejects.toThrow(/resource "bad" failed: api down/);
    expect(sawAbort).toBe(true);
  });
});
