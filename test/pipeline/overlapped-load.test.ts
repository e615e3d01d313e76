import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DataRecord } from "../../src/core/json.js";
import { memoryLogger } from "../../src/core/logger.js";
import { type ResourceHints, resource } from "../../src/core/resource.js";
import { type Pipeline, type ProgressEvent, pipeline } from "../../src/pipeline/index.js";
import { plainRows, type Row } from "../destinations/helpers/destination-packages.js";
import { CONFORMANCE_TARGETS } from "../destinations/helpers/destination-targets.js";
import { testPgUrl, uniqueDataset } from "../support/postgres-env.js";

/**
 * Load overlapped with extraction: closed package files go into one destination transaction while
 * extraction goes on. Every table must end as a run that loads after extraction leaves it, on every
 * destination that overlaps (the transactional ones), for every write disposition, child tables and a
 * schema that grows after the first file was loaded.
 */
const PAGES = 12;
const PER_PAGE = 50;

describe.each(CONFORMANCE_TARGETS.filter((t) => t.transactional))("overlapped load: $label", (target) => {
  let dir: string;
  const made: Pipeline[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), `sluice-overlap-${target.name}-`));
  });
  afterEach(async () => {
    for (const p of made.splice(0)) {
      const client = await p.destinationClient();
      await client.dropTables([], { all: true });
      await client.close();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  function make(name: string, overlap: boolean, events: ProgressEvent[], threadAfter?: number): Pipeline {
    mkdirSync(join(dir, name));
    const p = pipeline({
      pipeline_name: name,
      pipelines_dir: join(dir, "pipelines"),
      dataset_name: target.name === "postgres" ? uniqueDataset(name) : `${name}_dataset`,
      logger: memoryLogger("warn"),
      ...target.options(join(dir, name), testPgUrl),
      // Small files, so every few pages close one: each is a chunk loaded during extraction.
      files: { maxFileBytes: 4 * 1024, bufferBytes: 1024 },
      overlap_load: overlap,
      concurrency: { normalize_thread: threadAfter !== undefined },
      ...(threadAfter === undefined ? {} : { normalize_thread_after: threadAfter }),
      progress: (e) => events.push(e),
    });
    made.push(p);
    return p;
  }

  /**
   * Pages of `name`; before its last page it waits until a file of it is in the open transaction, which
   * proves the load overlapped (a load that waits for extraction would never get there: it times out).
   */
  function pages(
    name: string,
    run: number,
    events: ProgressEvent[],
    overlap: boolean,
    hints: ResourceHints,
    handOffAt?: number,
  ) {
    return resource(
      name,
      async function* () {
        for (let page = 0; page < PAGES; page++) {
          if (overlap && page === PAGES - 1) await until(() => events.some((e) => e.type === "load_chunk"));
          // The rest of the package waits for the normalizer thread to take it over.
          if (page === handOffAt) await until(() => events.some((e) => e.type === "normalize_thread"));
          const rows: DataRecord[] = [];
          for (let i = 0; i < PER_PAGE; i++) {
            const id = page * PER_PAGE + i;
            rows.push({
              id,
              run,
              name: `row ${id} run ${run}`,
              tags: [`t${id % 3}`, `r${run}`],
              // A column that appears only in later pages, after the first chunks were loaded.
              ...(page >= PAGES / 2 ? { late: id * 2, meta: { deep: `d${id}` } } : {}),
            });
          }
          yield rows;
        }
      },
      hints,
    );
  }

  async function tables(p: Pipeline, names: string[]): Promise<Record<string, Row[]>> {
    const client = await p.destinationClient();
    try {
      const out: Record<string, Row[]> = {};
      for (const t of names) {
        const rows = plainRows(await client.sampleRows(t, 100_000)).map((r) => {
          // Per-run identifiers and times differ between any two runs; the data must not.
          const { _sluice_load_id, _sluice_id, _sluice_parent_id, _sluice_root_id, ...rest } = r;
          return rest;
        });
        out[t] = rows.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
      }
      return out;
    } finally {
      await client.close();
    }
  }

  const cases: [string, ResourceHints][] = [
    ["append", { write_disposition: "append" }],
    ["replace", { write_disposition: "replace" }],
    ["merge", { write_disposition: "merge", primary_key: "id" }],
  ];
  for (const [disposition, hints] of cases) {
    it(`${disposition}: two runs leave the same tables as loading after extraction, and files loaded while extracting`, async () => {
      // Merge loads at the end, where its statements see every staged row at once; so does replace on
      // PostgreSQL, where emptying the table early would lock its readers out for the whole extraction.
      const streams = disposition !== "merge" && !(disposition === "replace" && target.name === "postgres");
      const results: Record<string, Row[]>[] = [];
      // Overlapped on one thread, loaded after extraction, and normalized by a second thread: from the
      // start, and taking over in mid-package (after the third page) while files load.
      const variants = [
        { overlap: true, threadAfter: undefined, handOffAt: undefined },
        { overlap: false, threadAfter: undefined, handOffAt: undefined },
        { overlap: true, threadAfter: 0, handOffAt: undefined },
        { overlap: true, threadAfter: 2 * PER_PAGE, handOffAt: 3 },
      ] as const;
      for (const [i, { overlap, threadAfter, handOffAt }] of variants.entries()) {
        const events: ProgressEvent[] = [];
        const p = make(`ov_${disposition}_${i}`, overlap, events, threadAfter);
        const first = await p.run(pages("items", 1, events, overlap && streams, hints, handOffAt));
        if (threadAfter !== undefined)
          expect(events.filter((e) => e.type === "normalize_thread")).toEqual([
            {
              type: "normalize_thread",
              loadId: expect.any(String),
              records: handOffAt === undefined ? 0 : 3 * PER_PAGE,
            },
          ]);
        events.length = 0;
        const second = await p.run(pages("items", 2, events, overlap && streams, hints, handOffAt));
        const chunks = events.filter((e) => e.type === "load_chunk").length;
        if (overlap && streams) expect(chunks).toBeGreaterThan(0);
        else expect(chunks).toBe(0);
        expect(first.records).toEqual({ items: PAGES * PER_PAGE });
        expect(second.records).toEqual({ items: PAGES * PER_PAGE });
        results.push(await tables(p, ["items", "items__tags"]));
      }
      for (const other of results.slice(2)) expect(other).toEqual(results[0]);
      const [overlapped, after] = results;
      const expectedRows = disposition === "append" ? 2 * PAGES * PER_PAGE : PAGES * PER_PAGE;
      expect(overlapped?.["items"]).toHaveLength(expectedRows);
      expect(overlapped?.["items__tags"]).toHaveLength(2 * expectedRows);
      expect(overlapped).toEqual(after);
      // The column that appeared after the first chunk is there, filled where the records had it.
      const late = (overlapped?.["items"] ?? []).filter((r) => r["late"] !== null && r["late"] !== undefined);
      expect(late.length).toBe(disposition === "append" ? PAGES * PER_PAGE : (PAGES * PER_PAGE) / 2);
      expect(late.every((r) => typeof r["meta__deep"] === "string")).toBe(true);
    }, 60_000);
  }

  // A server database only: DuckDB's file is one process's, so no other reader can wait on its locks.
  if (target.name === "postgres")
    it("readers of the tables are never blocked while files load during extraction", async () => {
      const events: ProgressEvent[] = [];
      const p = make("ov_readers", true, events);
      const dataset = p.datasetName;
      await p.run(pages("items", 1, events, true, {}));
      await p.run(pages("listed", 1, events, true, { write_disposition: "replace" }));
      events.length = 0;
      const reader = new pg.Client({ connectionString: testPgUrl() });
      await reader.connect();
      const seen: number[] = [];
      try {
        // A lock wait fails fast instead of hanging the test.
        await reader.query("SET lock_timeout = '2s'");
        const both = resource("items", async function* () {
          for await (const batch of pages("items", 2, events, true, {}).read({} as never))
            yield batch as DataRecord[];
          // The appended files are in the open transaction now; the readers still see the last commit.
          for (const t of ["items", "items__tags", "listed"]) {
            const r = await reader.query(`SELECT count(*)::int AS n FROM "${dataset}"."${t}"`);
            seen.push(Number(r.rows[0].n));
          }
        });
        await p.run([both, pages("listed", 2, events, false, { write_disposition: "replace" })]);
      } finally {
        await reader.end();
      }
      expect(events.some((e) => e.type === "load_chunk")).toBe(true);
      expect(seen).toEqual([PAGES * PER_PAGE, 2 * PAGES * PER_PAGE, PAGES * PER_PAGE]);
      const after = await tables(p, ["items", "listed"]);
      expect(after["items"]).toHaveLength(2 * PAGES * PER_PAGE);
      expect((after["listed"] ?? []).every((r) => r["run"] === 2)).toBe(true);
    }, 60_000);

  it("an extraction that fails after files were loaded leaves the destination as it was", async () => {
    const events: ProgressEvent[] = [];
    const p = make("ov_fail", true, events);
    await p.run(pages("items", 1, events, true, {}));
    events.length = 0;
    const failing = resource("items", async function* () {
      for await (const batch of pages("items", 2, events, true, {}).read({} as never))
        yield batch as DataRecord[];
      throw new Error("the API went away");
    });
    await expect(p.run(failing)).rejects.toThrow(/the API went away/);
    expect(events.some((e) => e.type === "load_chunk")).toBe(true);
    const after = await tables(p, ["items"]);
    expect(after["items"]).toHaveLength(PAGES * PER_PAGE);
    expect((after["items"] ?? []).every((r) => r["run"] === 1)).toBe(true);
    // The pipeline is not stuck: the next run loads.
    events.length = 0;
    await p.run(pages("items", 3, events, true, {}));
    expect((await tables(p, ["items"]))["items"]).toHaveLength(2 * PAGES * PER_PAGE);
  }, 60_000);
});

async function until(cond: () => boolean, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error("no package file was loaded during extraction");
    await new Promise((r) => setTimeout(r, 10));
  }
}
