// biome-ignore-all lint/suspicious/noTemplateCurlyInString: sluice placeholders, not JS templates
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { documentedObjects, type SchemaNode } from "../../docs/config-reference-schema.js";
import { REPO } from "../support/demo-cli.js";

const schema = JSON.parse(readFileSync(join(REPO, "schema/sluice-config.schema.json"), "utf8")) as SchemaNode;
const doc = readFileSync(join(REPO, "docs/config-reference.md"), "utf8");

/** The reference split at `### ` headings: heading → body. */
function sections(markdown: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of markdown.split(/^### /m).slice(1)) {
    const nl = part.indexOf("\n");
    out.set(part.slice(0, nl).trim(), part.slice(nl + 1));
  }
  return out;
}

describe("docs/config-reference.md", () => {
  const bySection = sections(doc);
  const objects = documentedObjects(schema);
  const regenerate =
    "regenerate it: node --import tsx docs/generate-config-reference.ts && npx biome format --write docs/config-reference.md";

  it("covers the whole config language (sanity check of the schema walk)", () => {
    const titles = objects.map((o) => o.title);
    expect(titles).toEqual(
      expect.arrayContaining(["Top level", "client", "resource_defaults", "resources[]", "Endpoint"]),
    );
    expect(titles.some((t) => t.startsWith("Paginator — type"))).toBe(true);
    expect(objects.reduce((n, o) => n + o.keys.length, 0)).toBeGreaterThan(80);
  });

  it("documents every key of the JSON Schema in its block's section", () => {
    const missing: string[] = [];
    for (const o of objects) {
      const body = bySection.get(o.title);
      if (body === undefined) {
        missing.push(`section "${o.title}"`);
        continue;
      }
      // A table row for the key, however the table is padded.
      const rows = new Set(body.split("\n").map((l) => /^\|\s*`([^`]+)`\s*\|/.exec(l)?.[1]));
      for (const k of o.keys) if (!rows.has(k.key)) missing.push(`${o.title} → ${k.key}`);
    }
    expect(missing, `undocumented: ${missing.join(", ")}; ${regenerate}`).toEqual([]);
  });

  it("documents the placeholders and the seeds' spellings", () => {
    for (const text of ["${secrets.name}", "${env.NAME}", "start_from_page", "token_url", "exclude_columns"])
      expect(doc).toContain(text);
  });
});
