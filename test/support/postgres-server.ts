import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { everyoneCanEnter, loadEmbeddedPostgres } from "./embedded-postgres-copy.js";

/** A PostgreSQL the tests can use: from the environment (CI's cluster) or an embedded one started here. */
export interface TestPostgres {
  url: string;
  origin: "SLUICE_TEST_PG_URL" | "PG* variables" | "embedded-postgres";
  startMs: number;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function check(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } finally {
    await client.end().catch(() => {});
  }
}

function urlFromPgEnv(env: NodeJS.ProcessEnv): string | undefined {
  if (env.PGHOST === undefined && env.PGDATABASE === undefined && env.PGUSER === undefined) return undefined;
  const u = new URL("postgresql://localhost");
  u.hostname = env.PGHOST ?? "localhost";
  if (env.PGPORT) u.port = env.PGPORT;
  u.username = encodeURIComponent(env.PGUSER ?? userInfo().username);
  if (env.PGPASSWORD) u.password = encodeURIComponent(env.PGPASSWORD);
  u.pathname = `/${encodeURIComponent(env.PGDATABASE ?? env.PGUSER ?? "postgres")}`;
  return u.href;
}

/**
 * Uses `SLUICE_TEST_PG_URL`, else libpq's `PG*` variables, else starts embedded-postgres on a free
 * 127.0.0.1 port with its data in a temp dir (as root it runs the server as the `postgres` OS user,
 * which is how PostgreSQL insists on running, from a copy of the binaries when the checkout is closed
 * to that user).
 */
export async function startTestPostgres(
  env: NodeJS.ProcessEnv = process.env,
  options: { durable?: boolean } = {},
): Promise<TestPostgres> {
  const started = Date.now();
  const given = env.SLUICE_TEST_PG_URL || urlFromPgEnv(env);
  if (given) {
    await check(given);
    return {
      url: given,
      origin: env.SLUICE_TEST_PG_URL ? "SLUICE_TEST_PG_URL" : "PG* variables",
      startMs: Date.now() - started,
      stop: async () => {},
    };
  }
  // The server runs as the postgres OS user when we are root; it must reach its data dir and binaries.
  const base = userInfo().uid !== 0 || everyoneCanEnter(tmpdir()) ? tmpdir() : "/tmp";
  const dir = mkdtempSync(join(base, "sluice-pg-"));
  chmodSync(dir, 0o777);
  let EmbeddedPostgres: Awaited<ReturnType<typeof loadEmbeddedPostgres>>["default"];
  try {
    ({ default: EmbeddedPostgres } = await loadEmbeddedPostgres(join(dir, "runtime")));
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`embedded-postgres cannot run here: ${err instanceof Error ? err.message : String(err)}`);
  }
  const port = await freePort();
  const password = "sluice-test";
  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, "data"),
    port,
    user: "postgres",
    password,
    persistent: false,
    createPostgresUser: userInfo().uid === 0,
    // Test data is disposable: skip durability work so the suite stays fast (benchmarks keep it).
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      `unix_socket_directories=${dir}`,
      ...(options.durable
        ? []
        : ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]),
    ],
    onLog: (m: unknown) => {
      logs.push(String(m));
    },
    onError: (m: unknown) => {
      logs.push(String(m));
    },
  });
  try {
    await server.initialise();
    await server.start();
  } catch (err) {
    await server.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `embedded-postgres did not start: ${err instanceof Error ? err.message : String(err)}\n${logs.slice(-20).join("")}`,
    );
  }
  const url = `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`;
  await check(url);
  return {
    url,
    origin: "embedded-postgres",
    startMs: Date.now() - started,
    stop: async () => {
      await server.stop().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
