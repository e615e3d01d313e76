import { defineConfig } from "vitest/config";
import SummaryReporter from "./test/support/summary-reporter.js";

// The long runs (kill loops, load at scale) that `npm test` leaves out; `.ci/run` runs them after it.
export default defineConfig({
  test: {
    include: ["test/stress/**/*.stress.ts"],
    pool: "forks",
    // One at a time: each stress file wants both cores and would skew the others' bounds.
    fileParallelism: false,
    globalSetup: ["test/support/postgres-global-setup.ts"],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    reporters: ["default", new SummaryReporter()],
  },
});
