import type { Reporter, TestModule } from "vitest/node";

/**
 * Prints one plain closing line, `tests: N passed, N failed, N skipped`, after Vitest's own summary,
 * so tools that read a run's last line see the counts without parsing Vitest's format.
 */
export default class SummaryReporter implements Reporter {
  private line = "";

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") failed++;
        else skipped++;
      }
      // A file that fails to load has no tests to count but must not read as green.
      if (mod.state() === "failed" && [...mod.children.allTests()].length === 0) failed++;
    }
    this.line = `tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`;
  }

  // The default reporter prints its summary late in the run; waiting for the last hook keeps this line last.
  onFinished(): void {
    if (this.line) process.stdout.write(`\n${this.line}\n`);
  }
}
