import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LogEntry, memoryLogger } from "../../src/core/logger.js";
import { DuckdbConnection } from "../../src/destinations/duckdb/duckdb-connection.js";
import { type Pipeline, type PipelineOptions, pipeline } from "../../src/pipeline/index.js";

/** A temp dir holding a pipeline's working dirs and its DuckDB file; `cleanup` removes it. */
export interface PipelineSandbox {
  dir: string;
  dbPath: string;
  logs: LogEntry[];
  make(name?: string, extra?: Partial<PipelineOptions>): Pipeline;
  /** Runs SQL against the DuckDB file (opened and closed per call, so the pipeline can reopen it). */
  query(sql: string): Promise<Record<string, unknown>[]>;
  count(table: string, where?: string): Promise<number>;
  cleanup(): void;
}

export function pipelineSandbox(prefix = "sluice-pl-"): PipelineSandbox {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const dbPath = join(dir, "test.duckdb");
  const logger = memoryLogger("debug");
  let dataset = "test_dataset";
  const sandbox: PipelineSandbox = {
    dir,
    dbPath,
    logs: logger.entries,
    make(name = "test", extra = {}) {
      dataset = extra.dataset_name ?? `${name}_dataset`;
      return pipeline({
        pipeline_name: name,
        pipelines_dir: join(dir, "pipelines"),
        destination_options: { duckdb: { path: dbPath } },
        logger,
        ...extra,
      });
    },
    async query(sql) {
      const conn = await DuckdbConnection.open(dbPath);
      try {
        const rows = await conn.query(sql.replaceAll("$ds", `"${dataset}"`));
        return rows.map((r) =>
          Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v])),
        );
      } finally {
        conn.close();
      }
    },
    async count(table, where) {
      const rows = await sandbox.query(
        `SELECT count(*) AS n FROM $ds."${table}"${where ? ` WHERE ${where}` : ""}`,
      );
      return Number(rows[0]?.["n"]);
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return sandbox;
}
