// The destination's own write cost for rows it already holds: each loaded table copied once more with
// `INSERT INTO copy SELECT * FROM table` in one transaction, nothing parsed and nothing sent by a client.
// No loader can write the same rows faster, so this bounds normalize+load from above on this machine.
import { performance } from "node:perf_hooks";
import pg from "pg";
import { DuckdbConnection } from "../src/destinations/duckdb/duckdb-connection.js";
import { qualified } from "../src/destinations/sql/sql-dialect.js";

export interface WriteFloor {
  ms: number;
  rows: number;
}

interface SqlRunner {
  run(sql: string): Promise<void>;
}

async function copyTables(
  db: SqlRunner,
  dataset: string,
  tables: Record<string, number>,
): Promise<WriteFloor> {
  const copies = Object.keys(tables).map((t) => [qualified(dataset, t), qualified(dataset, `${t}__floor`)]);
  for (const [table, copy] of copies) await db.run(`CREATE TABLE ${copy} AS SELECT * FROM ${table} LIMIT 0`);
  const started = performance.now();
  await db.run("BEGIN");
  for (const [table, copy] of copies) await db.run(`INSERT INTO ${copy} SELECT * FROM ${table}`);
  await db.run("COMMIT");
  const ms = performance.now() - started;
  for (const [, copy] of copies) await db.run(`DROP TABLE ${copy}`);
  return { ms, rows: Object.values(tables).reduce((a, b) => a + b, 0) };
}

export async function duckdbWriteFloor(
  path: string,
  dataset: string,
  tables: Record<string, number>,
): Promise<WriteFloor> {
  const db = await DuckdbConnection.open(path);
  try {
    return await copyTables(db, dataset, tables);
  } finally {
    db.close();
  }
}

/** `url` undefined: libpq's PG* variables. */
export async function postgresWriteFloor(
  url: string | undefined,
  dataset: string,
  tables: Record<string, number>,
): Promise<WriteFloor> {
  const client = new pg.Client(url === undefined ? {} : { connectionString: url });
  await client.connect();
  try {
    return await copyTables({ run: async (sql) => void (await client.query(sql)) }, dataset, tables);
  } finally {
    await client.end();
  }
}
