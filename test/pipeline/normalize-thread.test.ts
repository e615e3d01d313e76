import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SluiceError } from "../../src/core/errors.js";
import type { DataRecord } from "../../src/core/json.js";
import { resource } from "../../src/core/resource.js";
import type { ProgressEvent } from "../../src/pipeline/index.js";
import { SchemaContractError } from "../../src/schema/contract.js";
import { type PipelineSandbox, pipelineSandbox } from "../support/pipeline-helpers.js";

/**
 * Normalization on a second thread: what reaches the destination is what one thread gives (the overlapped
 * and kill tests cover the files and the crash points); these cover what crosses the thread boundary the
 * other way: errors, backpressure, records that are not data.
 */
let sb: PipelineSandbox;
beforeEach(() => {
  sb = pipelineSandbox("sluice-nthread-");
});
afterEach(() => sb.cleanup());

const threaded = (events: ProgressEvent[] = []) => ({
  concurrency: { normalize_thread: true },
  normalize_thread_after: 0,
  progress: (e: ProgressEvent) => events.push(e),
});

function pages(count: number, size: number, extra?: (page: number) => DataRecord) {
  return resource(
    "items",
    async function* () {
      for (let page = 0; page < count; page++)
        yield Array.from({ length: size }, (_, i) => ({
          id: page * size + i,
          name: `n${i}`,
          ...extra?.(page),
        }));
    },
    { schema_contract: { columns: "freeze" } },
  );
}

describe("normalize thread", () => {
  it("a schema contract violation in the thread fails the run as itself, and nothing is loaded", async () => {
    const p = sb.make("contract", threaded());
    await p.run(pages(2, 10));
    const packages = join(sb.dir, "pipelines", "contract", "packages");
    const before = readdirSync(packages);
    const err = await p
      .run(pages(3, 10, (page) => (page === 2 ? { extra: 1 } : {})))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SchemaContractError);
    const e = err as SchemaContractError;
    expect([e.code, e.resource, e.column]).toEqual(["SCHEMA_CONTRACT_VIOLATION", "items", "extra"]);
    expect(e.hint).toMatch(/schema_contract\.columns/);
    expect(await sb.count("items")).toBe(20);
    // The failed package is gone: the next run is not blocked by it.
    expect(readdirSync(packages)).toEqual(before);
    await p.run(pages(1, 5));
    expect(await sb.count("items")).toBe(25);
  });

  it("extraction waits while the thread is behind: the backlog stays bounded", async () => {
    const events: ProgressEvent[] = [];
    let ahead = 0;
    const source = resource("items", async function* () {
      for (let page = 0; page < 150; page++) {
        const normalized = events.filter((e) => e.type === "normalize_records").at(-1);
        const done = normalized?.type === "normalize_records" ? normalized.records : 0;
        ahead = Math.max(ahead, page * 1000 - done);
        yield Array.from({ length: 1000 }, (_, i) => ({ id: page * 1000 + i, text: "x".repeat(20) }));
      }
    });
    await sb.make("backlog", threaded(events)).run(source);
    expect(await sb.count("items")).toBe(150_000);
    // Never more than the high-water mark (50,000 records) plus the batch in hand ahead of the thread.
    expect(ahead).toBeLessThanOrEqual(51_000);
    expect(ahead).toBeGreaterThan(0);
  }, 60_000);

  it("a record that is not data (a function) is refused with the resource named", async () => {
    const bad = resource("items", async function* () {
      yield [{ id: 1, fn: () => 1 } as unknown as DataRecord];
    });
    const err = (await sb
      .make("notdata", threaded())
      .run(bad)
      .catch((e: unknown) => e)) as SluiceError;
    expect(err.code).toBe("RECORD_NOT_DATA");
    expect(err.message).toMatch(/resource "items"/);
    expect(err.hint).toMatch(/plain data/);
  });
});
