import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { memoryLogger } from "../../src/core/logger.js";
import { loadPackage } from "../../src/pipeline/load-stage.js";
import { testPgUrl, uniqueDataset } from "../support/postgres-env.js";
import { rootTable, rowId, schemaOf, stateOf, writePackage } from "./helpers/destination-packages.js";
import {
  CONFORMANCE_TARGETS,
  contextFor,
  makeDestination,
  openClient,
} from "./helpers/destination-targets.js";

const work = mkdtempSync(join(tmpdir(), "sluice-race-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * Two processes loading the same package at once (a retried activity while the first attempt still runs
 * on a worker Temporal gave up on): both pass the check before the transaction, and only the check inside
 * it, behind the lock on `_sluice_loads`, keeps the rows from landing twice.
 */
describe("a load raced by a second load of the same package (PostgreSQL)", () => {
  const target = CONFORMANCE_TARGETS.find((t) => t.name === "postgres")!;
  it("commits once; the other finds it committed and loads nothing", async () => {
    const dataset = uniqueDataset("race");
    const ctx = contextFor("race_pipe", dataset, join(work, "wd"));
    const a = await openClient(makeDestination(target, work, testPgUrl), ctx);
    const b = await openClient(makeDestination(target, work, testPgUrl), ctx);
    try {
      const table = rootTable("events", { id: "bigint" });
      const pkg = writePackage({
        dir: join(work, "packages"),
        loadId: "1790000000.000001",
        schema: schemaOf("race_pipe", [table]),
        data: [
          { table: "events", rows: Array.from({ length: 500 }, (_, i) => ({ _sluice_id: rowId(), id: i })) },
        ],
        state: stateOf("race_pipe", 1),
        filesPerTable: 5,
      });
      const logger = memoryLogger();
      const outcomes = await Promise.all([loadPackage(a, pkg, logger), loadPackage(b, pkg, logger)]);
      expect(outcomes.map((o) => o.committed).sort()).toEqual([false, true]);
      expect(await a.rowCounts(["events"])).toEqual({ events: 500 });
      expect((await a.listLoads(10)).map((l) => l.load_id)).toEqual([pkg.loadId]);
    } finally {
      await a.dropTables([], { all: true });
      await a.close();
      await b.close();
    }
  }, 60_000);
});
