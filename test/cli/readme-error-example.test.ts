import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO, runCli, tempDir } from "../support/demo-cli.js";

/** The README's config example, with its paginator misspelt, prints exactly the error the README shows. */
describe("README error example", () => {
  it("is what sluice validate prints for it", async () => {
    const readme = readFileSync(join(REPO, "README.md"), "utf8");
    const yaml = /```yaml\n(# analytics\.yaml[\s\S]*?)```/.exec(readme)?.[1];
    const shown = /prints \(and exits 1\):\n\n```\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(yaml).toBeDefined();
    expect(shown).toBeDefined();
    const scratch = tempDir("readme-error");
    try {
      writeFileSync(join(scratch.dir, "analytics.yaml"), yaml!.replace("type: offset", "type: ofset"));
      const run = await runCli(["validate", "analytics.yaml"], { cwd: scratch.dir, env: { CI: "true" } });
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(shown);
    } finally {
      scratch.remove();
    }
  });
});
