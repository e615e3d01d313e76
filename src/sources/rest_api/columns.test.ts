import { describe, expect, it } from "vitest";
import type { ConfigIssue } from "../../core/errors.js";
import { columnHints, isJsonSchema } from "./columns.js";
import type { ColumnsSpec, JsonSchemaObject } from "./config-types.js";

describe("column hints", () => {
  it("passes dlt column maps through", () => {
    const issues: ConfigIssue[] = [];
    const h = columnHints(
      {
        id: { data_type: "bigint", nullable: false, primary_key: true },
        payload: { data_type: "json", description: "raw" },
      },
      "c",
      issues,
    );
    expect(issues).toEqual([]);
    expect(h).toEqual({
      id: { data_type: "bigint", nullable: false, primary_key: true },
      payload: { data_type: "json" },
    });
  });

  it("turns a JSON Schema object into typed, nullable hints (seed 001)", () => {
    const schema: JsonSchemaObject = {
      type: "object",
      required: ["id", "count"],
      properties: {
        id: { type: "string" },
        businessName: { type: ["string", "null"] },
        count: { type: "integer" },
        ratio: { type: "number" },
        active: { type: "boolean" },
        createdAt: { type: "string", format: "date-time" },
        day: { type: "string", format: "date" },
        meta: { type: "object" },
        tags: { type: "array" },
        either: { type: ["string", "integer"] },
      },
    };
    expect(isJsonSchema(schema)).toBe(true);
    const issues: ConfigIssue[] = [];
    expect(columnHints(schema, "resources[0].columns", issues)).toEqual({
      id: { nullable: false, data_type: "text" },
      businessName: { nullable: true, data_type: "text" },
      count: { nullable: false, data_type: "bigint" },
      ratio: { data_type: "double" },
      active: { data_type: "bool" },
      createdAt: { data_type: "timestamp" },
      day: { data_type: "date" },
      meta: { data_type: "json" },
      tags: { data_type: "json" },
      either: {},
    });
    expect(issues).toEqual([]);
  });

  it("without a required list every field may be absent: no NOT NULL from a type; OpenAPI nullable: false is NOT NULL", () => {
    const schema: JsonSchemaObject = {
      type: "object",
      properties: {
        id: { type: "integer" },
        businessName: { type: ["string", "null"] },
        legacy: { type: "string", nullable: true },
        strict: { type: "string", nullable: false },
        anything: {},
      },
    };
    expect(columnHints(schema, "c", [])).toEqual({
      id: { data_type: "bigint" },
      businessName: { nullable: true, data_type: "text" },
      legacy: { nullable: true, data_type: "text" },
      strict: { nullable: false, data_type: "text" },
      anything: {},
    });
  });

  it("a required field whose type admits null stays nullable: present, but possibly null", () => {
    const schema: JsonSchemaObject = {
      type: "object",
      required: ["name"],
      properties: { name: { type: ["string", "null"] } },
    };
    expect(columnHints(schema, "c", [])).toEqual({ name: { nullable: true, data_type: "text" } });
  });

  it("reports unknown types at their path", () => {
    const issues: ConfigIssue[] = [];
    columnHints({ a: { data_type: "texty" } } as unknown as ColumnsSpec, "resources[1].columns", issues);
    columnHints(
      { type: "object", properties: { b: { type: "strin" } } } as unknown as ColumnsSpec,
      "resources[2].columns",
      issues,
    );
    expect(issues.map((i) => i.path)).toEqual([
      "resources[1].columns.a.data_type",
      "resources[2].columns.properties.b.type",
    ]);
  });
});
