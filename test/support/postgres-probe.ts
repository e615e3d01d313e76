import { startTestPostgres } from "./postgres-server.js";

/**
 * `node --import tsx test/support/postgres-probe.ts`: starts and stops the PostgreSQL the tests would use,
 * printing where it came from and how long it took to start. Exit code 1 when none can be had.
 * CI uses it to decide whether it must install PostgreSQL itself.
 */
try {
  const pg = await startTestPostgres();
  console.log(`PostgreSQL for tests: ${pg.origin}, started in ${pg.startMs} ms`);
  await pg.stop();
} catch (err) {
  console.error(`No PostgreSQL for tests: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
