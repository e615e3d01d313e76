import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SluiceError } from "../core/errors.js";
import { silentLogger } from "../core/logger.js";
import type { DestinationRegistration } from "./registration.js";
import { destinationForRun, registerDestination, reopenDestination, resolveDestination } from "./registry.js";
import type { Destination } from "./types.js";

const work = mkdtempSync(join(tmpdir(), "sluice-registry-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const ctx = { pipelineName: "p", datasetName: "d", workingDir: work, logger: silentLogger };
const place = { pipelineName: "p", cwd: work, env: {} };

function fake(name: string): Destination {
  return {
    name,
    capabilities: { maxIdentifierLength: 10, mergeStrategies: [], transactional: false },
    describeLocation: () => `${name} somewhere`,
    connect: () => Promise.reject(new Error("not for this test")),
  };
}

describe("destination registry", () => {
  it("resolves names, aliases and URL schemes case-insensitively; a Destination is returned as is", () => {
    expect(resolveDestination("DuckDB").name).toBe("duckdb");
    expect(resolveDestination("postgresql").name).toBe("postgres");
    expect(resolveDestination("postgresql://u@h/db").describeLocation(ctx)).toContain("h:5432/db as u");
    expect(resolveDestination(`file://${work}/lake`).describeLocation(ctx)).toBe(
      `parquet files in ${join(work, "lake", "d")}`,
    );
    const ready = fake("ready");
    expect(resolveDestination(ready)).toBe(ready);
  });

  it("names the known destinations and URL schemes for an unknown one, as a config error", () => {
    const err = (() => {
      try {
        resolveDestination("snowflake://acct/db");
      } catch (e) {
        return e;
      }
    })() as SluiceError;
    expect(err).toBeInstanceOf(SluiceError);
    expect(err.message).toBe('Unknown destination "snowflake://…"');
    expect(err.code).toBe("CONFIG_DESTINATION");
    expect(err.hint).toContain("duckdb, postgres, filesystem");
    expect(err.hint).toContain("postgresql://…");
  });

  it("a factory registered by name works for the library and a CLI run, which records the name only", () => {
    const seen: unknown[] = [];
    registerDestination("memdest", (options) => {
      seen.push(options);
      return fake("memdest");
    });
    expect(resolveDestination("memdest", { credentials: "x" }).name).toBe("memdest");
    const run = destinationForRun("memdest://host/a", { bucket_url: "b" }, place);
    expect(run.record).toEqual({ name: "memdest" });
    expect(reopenDestination(run.record, {}, place).name).toBe("memdest");
    expect(seen).toEqual([{ credentials: "x" }, { bucket_url: "b", url: "memdest://host/a" }, {}]);
  });

  it("a registration records what its run returns and reopens from it", () => {
    const registration: DestinationRegistration = {
      name: "recorded",
      aliases: ["rec"],
      create: () => fake("recorded"),
      run: (options, where) => ({
        destination: fake("recorded"),
        record: { at: `${where.cwd}:${options.url}` },
      }),
      reopen: (record) => fake(`reopened ${String(record["at"])}`),
    };
    registerDestination(registration);
    const run = destinationForRun("rec://x", {}, place);
    expect(run.record).toEqual({ name: "recorded", at: `${work}:rec://x` });
    expect(reopenDestination(run.record, {}, place).name).toBe(`reopened ${work}:rec://x`);
  });

  it("duckdb: a run resolves the file against the command's directory, creates its folder, and reopens it", () => {
    const run = destinationForRun("duckdb", { credentials: "data/x.duckdb" }, place);
    expect(run.record).toEqual({ name: "duckdb", path: join(work, "data", "x.duckdb") });
    expect(existsSync(join(work, "data"))).toBe(true);
    expect(destinationForRun("duckdb", {}, place).record).toEqual({
      name: "duckdb",
      path: join(work, "p.duckdb"),
    });
    expect(reopenDestination({ name: "duckdb" }, {}, place).describeLocation(ctx)).toBe(
      `${join(work, "p.duckdb")} (schema d)`,
    );
  });

  it("filesystem: bucket from --bucket-url, a file:// URL or the environment; format recorded", () => {
    const fromFlag = destinationForRun("filesystem", { bucket_url: "lake", format: "jsonl" }, place);
    expect(fromFlag.record).toEqual({ name: "filesystem", bucket_url: join(work, "lake"), format: "jsonl" });
    expect(reopenDestination(fromFlag.record, {}, place).describeLocation(ctx)).toBe(
      `jsonl files in ${join(work, "lake", "d")}`,
    );
    const fromEnv = destinationForRun(
      "filesystem",
      {},
      {
        ...place,
        env: { DESTINATION__FILESYSTEM__BUCKET_URL: `file://${work}/env-lake` },
      },
    );
    expect(fromEnv.record).toEqual({
      name: "filesystem",
      bucket_url: `file://${work}/env-lake`,
      format: "parquet",
    });
    expect(() => destinationForRun("filesystem", {}, place)).toThrow(/needs a bucket_url/);
    expect(() => destinationForRun("filesystem", { bucket_url: "x", format: "csv" }, place)).toThrow(
      /Unknown filesystem format "csv"/,
    );
  });

  it("postgres: a run records the server and where the password came from, never the password", () => {
    const run = destinationForRun(
      "postgresql://loader:s3cret-pw@db.example:6543/wh?sslmode=require",
      {},
      place,
    );
    expect(run.record).toEqual({
      name: "postgres",
      postgres: {
        host: "db.example",
        port: 6543,
        database: "wh",
        user: "loader",
        options: { sslmode: "require" },
        password_from: "url",
      },
    });
    expect(JSON.stringify(run.record)).not.toContain("s3cret-pw");
    expect(reopenDestination(run.record, {}, place).describeLocation(ctx)).toBe(
      'postgres db.example:6543/wh as loader, schema "d"',
    );
  });
});
