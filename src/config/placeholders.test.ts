import { describe, expect, it } from "vitest";
import { parseTemplate, templateRefs } from "./placeholders.js";

describe("parseTemplate: the one placeholder parser", () => {
  it("reads resource and incremental placeholders, trimmed, with literal text between", () => {
    const { template, braces } = parseTemplate(
      "a/{ resources.posts.meta.id }/b?since={incremental.start_value}",
    );
    expect(template).toEqual([
      "a/",
      { kind: "resource", resource: "posts", field: "meta.id" },
      "/b?since=",
      { kind: "incremental", field: "start_value" },
    ]);
    expect(braces.map((b) => b.kind)).toEqual(["placeholder", "placeholder"]);
  });

  it("unescapes {{ and }} and keeps braces that are no placeholder as text, listing them", () => {
    const { template, braces } = parseTemplate("{{lit}} { viewer } x}}y");
    expect(template).toEqual(["{lit} { viewer } x}y"]);
    expect(braces).toEqual([{ kind: "not_a_placeholder", expression: "viewer", sluiceReference: false }]);
  });

  it("binds a bare {name} in a path only", () => {
    expect(parseTemplate("/x/{id}", "path").template).toEqual(["/x/", { kind: "name", name: "id" }]);
    expect(parseTemplate("/x/{id}").template).toEqual(["/x/{id}"]);
    // not a name: stays text, for the checks to judge
    expect(parseTemplate("/x/{a b}", "path").template).toEqual(["/x/{a b}"]);
  });

  it("marks $-prefixed braces as sluice's own reference syntax, not a dlt placeholder", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: sluice's secret reference syntax
    const { template, braces } = parseTemplate("Bearer ${secrets.token}", "path");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: sluice's secret reference syntax
    expect(template).toEqual(["Bearer ${secrets.token}"]);
    expect(braces).toEqual([
      { kind: "not_a_placeholder", expression: "secrets.token", sluiceReference: true },
    ]);
  });

  it("reports malformed placeholders and leaves them out of the template", () => {
    expect(parseTemplate("a/{resources.p}/b").braces).toEqual([
      { kind: "bad_resource_ref", expression: "resources.p" },
    ]);
    expect(parseTemplate("{resources..id}").braces[0]?.kind).toBe("bad_resource_ref");
    expect(parseTemplate("{resources}", "path").braces[0]?.kind).toBe("bad_resource_ref");
    const unknown = parseTemplate("x{incremental.cursor_path}");
    expect(unknown.template).toEqual(["x"]);
    expect(unknown.braces).toEqual([
      { kind: "unknown_incremental_field", expression: "incremental.cursor_path", field: "cursor_path" },
    ]);
  });

  it("reports a placeholder no brace closes, and only one that looks like a placeholder", () => {
    expect(parseTemplate("/x/{resources.p.id").braces).toEqual([{ kind: "unclosed" }]);
    expect(parseTemplate("/x/{resources.p.id").template).toEqual(["/x/{resources.p.id"]);
    expect(parseTemplate("a { b").braces).toEqual([]);
  });

  it("templateRefs lists the placeholders in order", () => {
    const { template } = parseTemplate("{resources.p.id}-{incremental.end_value}");
    expect(templateRefs(template).map((r) => r.kind)).toEqual(["resource", "incremental"]);
  });
});
