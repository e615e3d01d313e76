import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildJsonSchema } from "../../src/config/json-schema.js";

const committed = new URL("../../schema/sluice-config.schema.json", import.meta.url);

type Node = { [key: string]: unknown };

describe("schema/sluice-config.schema.json", () => {
  const schema = buildJsonSchema();

  it("is current: regenerate with `npm run schema:generate`", () => {
    expect(readFileSync(committed, "utf8")).toBe(`${JSON.stringify(schema, null, 2)}\n`);
  });

  it("describes every key (docs are generated from it)", () => {
    const defs = (schema.$defs ?? {}) as Record<string, Node>;
    const described = (n: Node) =>
      typeof n.description === "string" ||
      (typeof n.$ref === "string" && typeof defs[n.$ref.split("/").pop()!]?.description === "string");
    const missing: string[] = [];
    const walk = (n: unknown, at: string): void => {
      if (Array.isArray(n)) {
        for (const [i, v] of n.entries()) walk(v, `${at}[${i}]`);
        return;
      }
      if (typeof n !== "object" || n === null) return;
      for (const [k, v] of Object.entries(n as Node)) {
        if (k === "properties" && typeof v === "object" && v !== null) {
          for (const [name, prop] of Object.entries(v as Node)) {
            if (!described(prop as Node)) missing.push(`${at}.${name}`);
            walk(prop, `${at}.${name}`);
          }
        } else walk(v, `${at}/${k}`);
      }
    };
    walk(schema, "");
    expect(missing).toEqual([]);
  });

  it("leaves out TypeScript-only keys and keeps secret-capable strings as strings", () => {
    const text = JSON.stringify(schema);
    expect(text).not.toContain("processing_steps");
    expect(text).not.toContain('"convert"');
    expect(text).not.toContain("x-sluice");
    const defs = schema.$defs as Record<string, { anyOf?: Node[]; oneOf?: Node[] }>;
    const bearer = (defs.Auth!.oneOf ?? defs.Auth!.anyOf)!.find((b) => (b.properties as Node)?.token);
    expect((bearer!.properties as Record<string, Node>).token!.type).toBe("string");
  });

  it("is strict: unknown keys are rejected by editors too", () => {
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(["client", "resources"]);
  });
});
