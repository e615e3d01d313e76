import { describe, expect, it } from "vitest";
import { parseTemplate } from "../../config/index.js";
import { renderTemplate } from "./placeholders.js";

describe("placeholders with integers beyond 2^53 (bigint from the JSON parser)", () => {
  const parent = {
    name: "items",
    record: { id: 1234567890123456789n, meta: { ids: [1234567890123456791n] } },
  };

  it("puts every digit in a path and in text, also inside an object value", () => {
    const path = parseTemplate("items/{resources.items.id}/details", "path").template;
    expect(renderTemplate(path, { parent }, "path")).toBe("items/1234567890123456789/details");
    const text = parseTemplate("{resources.items.meta}").template;
    expect(renderTemplate(text, { parent }, "text")).toBe('{"ids":[1234567890123456791]}');
  });

  it("puts every digit of an incremental start value in a param", () => {
    const t = parseTemplate("since={incremental.start_value}").template;
    expect(renderTemplate(t, { incremental: { start_value: 1234567890123456791n } }, "text")).toBe(
      "since=1234567890123456791",
    );
  });
});
