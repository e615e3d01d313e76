import { describe, expect, it } from "vitest";
import { checkConfig, formatPath, parseTemplate, type TemplateMode } from "../../config/index.js";
import { malformedPlaceholderIssue } from "../../config/placeholder-rules.js";
import type { ConfigIssue } from "../../core/errors.js";
import type { Endpoint } from "./config-types.js";
import { mergeResource } from "./defaults.js";
import { readPath } from "./field-path.js";
import { PlaceholderMissing, renderTemplate } from "./placeholders.js";
import { compileEndpoint, renderRequest } from "./request-template.js";

/**
 * The endpoint compiled, and what the config rules (which compiling relies on) say of it as the first
 * resource of a config that also defines the parents it reads.
 */
function compile(endpoint: Endpoint, name = "child") {
  const merged = mergeResource({ name, endpoint }, undefined, 0);
  const ep = compileEndpoint(merged.endpoint);
  const parents = [...new Set(ep.parentRefs.map((ref) => ref.resource))];
  const config = {
    client: { base_url: "https://api.example.com" },
    resources: [{ name, endpoint }, ...parents],
  };
  return { ep, issues: checkConfig(config).errors };
}

/** A template and its malformed placeholders, reported at `at`. */
function parse(text: string, at: string, issues: ConfigIssue[], mode: TemplateMode = "value") {
  const place = { text, at: [at], mode, inherited: false };
  const { template, braces } = parseTemplate(text, mode);
  for (const b of braces) {
    const issue = malformedPlaceholderIssue(b, place);
    if (issue) issues.push({ ...issue, path: formatPath(issue.path) });
  }
  return template;
}

describe("template parsing", () => {
  it("reads {{ and }} as literal braces", () => {
    const issues: ConfigIssue[] = [];
    const t = parse("a{{b}}c/{resources.p.id}", "x", issues);
    expect(issues).toEqual([]);
    expect(renderTemplate(t, { parent: { name: "p", record: { id: 7 } } }, "text")).toBe("a{b}c/7");
  });

  it("reports an unclosed placeholder and malformed resources/incremental references", () => {
    const issues: ConfigIssue[] = [];
    parse("a{resources.p.id", "p1", issues);
    parse("{resources.p}", "p2", issues);
    parse("{incremental.nope}", "p3", issues);
    expect(issues.map((i) => i.path)).toEqual(["p1", "p2", "p3"]);
    expect(issues[0]?.message).toContain("unclosed");
    expect(issues[1]?.message).toContain("{resources.<resource>.<field>}");
    expect(issues[2]?.hint).toContain("incremental.start_value");
  });

  it("keeps braces that form no placeholder as text (GraphQL bodies), escapes applied", () => {
    const issues: ConfigIssue[] = [];
    const q = "query { posts(id: {resources.p.id}) { id title } } a}b {x y} {{esc}}";
    const t = parse(q, "json.query", issues);
    expect(issues).toEqual([]);
    expect(renderTemplate(t, { parent: { name: "p", record: { id: 3 } } }, "text")).toBe(
      "query { posts(id: 3) { id title } } a}b {x y} {esc}",
    );
    // outside a path a bare {name} is text too; in a path it binds a param (dlt's older form)
    expect(parse("{name}", "x", issues)).toEqual(["{name}"]);
    expect(parse("{name}", "x", issues, "path")).toEqual([{ kind: "name", name: "name" }]);
  });

  it("reads dotted and indexed field paths", () => {
    const rec = { a: { b: [{ c: 1 }, { c: 2 }] }, "x.y": 3 };
    expect(readPath(rec, "a.b.1.c")).toEqual({ found: true, value: 2 });
    expect(readPath(rec, "a.b[0].c")).toEqual({ found: true, value: 1 });
    expect(readPath(rec, "$.a.b.0.c").value).toBe(1);
    expect(readPath(rec, "a.zz").found).toBe(false);
  });
});

describe("interpolation into requests", () => {
  it("fills path, params, json and headers from the parent record; nested field paths", () => {
    const { ep, issues } = compile({
      path: "posts/{resources.posts.id}/comments",
      params: { author: "{resources.posts.meta.author}", flag: "{resources.posts.active}", n: 5 },
      json: {
        post: "{resources.posts.id}",
        label: "post-{resources.posts.id}",
        nested: { v: "{resources.posts.none}" },
      },
      headers: { "X-Post": "{resources.posts.id}" },
      method: "POST",
    });
    expect(issues).toEqual([]);
    expect(ep.parentRefs.map((ref) => ref.resource)).toEqual([
      "posts",
      "posts",
      "posts",
      "posts",
      "posts",
      "posts",
      "posts",
    ]);
    const spec = renderRequest(ep, {
      parent: { name: "posts", record: { id: 12, meta: { author: "ann" }, active: true, none: null } },
    });
    expect(spec).toEqual({
      method: "POST",
      path: "posts/12/comments",
      params: { author: "ann", flag: "true", n: 5 },
      json: { post: 12, label: "post-12", nested: { v: null } },
      headers: { "X-Post": "12" },
    });
  });

  it("URL-encodes values in paths, spells booleans and nulls as JSON does", () => {
    const { ep } = compile({ path: "items/{resources.p.key}/{resources.p.ok}/{resources.p.nil}" });
    const spec = renderRequest(ep, {
      parent: { name: "p", record: { key: "a b/c?d", ok: false, nil: null } },
    });
    expect(spec.path).toBe("items/a%20b%2Fc%3Fd/false/null");
  });

  it("throws PlaceholderMissing when the parent record lacks the field", () => {
    const { ep } = compile({ path: "items/{resources.p.id}" });
    expect(() => renderRequest(ep, { parent: { name: "p", record: { other: 1 } } })).toThrow(
      PlaceholderMissing,
    );
  });

  it("folds dlt's legacy resolve param into a path placeholder and binds static path params", () => {
    const { ep, issues } = compile({
      path: "orgs/{org}/issues/{issue_number}/comments",
      params: {
        org: "dlt hub",
        issue_number: { type: "resolve", resource: "issues", field: "number" },
        q: 1,
      },
    });
    expect(issues).toEqual([]);
    const spec = renderRequest(ep, { parent: { name: "issues", record: { number: 42 } } });
    // dlt puts a static value into the path as written; the URL encodes the space on the wire
    expect(spec.path).toBe("orgs/dlt hub/issues/42/comments");
    expect(spec.params).toEqual({ q: 1 });
  });

  it("binds a param into every {name} of the path, its own placeholders filled", () => {
    const { ep, issues } = compile({
      path: "a/{n}/{n}/{v}",
      params: { n: { type: "resolve", resource: "p", field: "id" }, v: "v{incremental.start_value}" },
      incremental: { cursor_path: "ts", initial_value: 1 },
    });
    expect(issues).toEqual([]);
    const spec = renderRequest(ep, {
      parent: { name: "p", record: { id: 7 } },
      incremental: { start_value: 3 },
    });
    expect(spec).toEqual({ method: "GET", path: "a/7/7/v3" });
  });

  it("reports a resolve param the path does not use, an unknown path name, and bad placeholders", () => {
    const a = compile({ path: "x", params: { id: { type: "resolve", resource: "p", field: "id" } } });
    expect(a.issues[0]?.path).toBe("resources[0].endpoint.params.id");
    const b = compile({ path: "x/{nope}" });
    expect(b.issues[0]?.message).toContain("{nope}");
    const c = compile({ path: "x", params: { a: "{resources.nope}" } });
    expect(c.issues[0]?.path).toBe("resources[0].endpoint.params.a");
    const d = compile({ path: "x", params: { a: "{incremental.start_value}" } });
    expect(d.issues[0]?.message).toContain("no incremental");
  });

  it("turns dlt's legacy incremental param into incremental.start_param", () => {
    const { ep, issues } = compile({
      path: "x",
      params: { since: { type: "incremental", cursor_path: "updated_at", initial_value: "2024-01-01" } },
    });
    expect(issues).toEqual([]);
    expect(ep.incremental).toEqual({
      cursor_path: "updated_at",
      initial_value: "2024-01-01",
      start_param: "since",
    });
    expect(ep.params).toEqual([]);
  });

  it("fills placeholders in param and json keys, as dlt does", () => {
    const { ep, issues } = compile({
      path: "x",
      params: { "filter[{resources.p.kind}]": "{resources.p.id}" },
      json: { "{resources.p.kind}": { "n_{resources.p.id}": true } },
    });
    expect(issues).toEqual([]);
    const spec = renderRequest(ep, { parent: { name: "p", record: { id: 4, kind: "tag" } } });
    expect(spec.params).toEqual({ "filter[tag]": "4" });
    expect(spec.json).toEqual({ tag: { n_4: true } });
  });

  it("fills {incremental.*} placeholders; an unset end value leaves the param out", () => {
    const { ep, issues } = compile({
      path: "x",
      params: {
        from: "{incremental.start_value}",
        to: "{incremental.end_value}",
        q: "after:{incremental.last_value}",
      },
      incremental: { cursor_path: "ts", initial_value: 10 },
    });
    expect(issues).toEqual([]);
    const spec = renderRequest(ep, { incremental: { start_value: 10, last_value: 10 } });
    expect(spec.params).toEqual({ from: "10", q: "after:10" });
  });

  it("fills incremental values into json bodies and headers, typed when a whole value", () => {
    const { ep, issues } = compile({
      path: "search",
      method: "POST",
      json: {
        since: "{incremental.start_value}",
        range: ["{incremental.start_value}", "{incremental.end_value}"],
      },
      headers: { "X-Since": "{incremental.start_value}" },
      incremental: { cursor_path: "ts", initial_value: 5, end_value: 9 },
    });
    expect(issues).toEqual([]);
    const spec = renderRequest(ep, { incremental: { start_value: 5, last_value: 5, end_value: 9 } });
    expect(spec.json).toEqual({ since: 5, range: [5, 9] });
    expect(spec.headers).toEqual({ "X-Since": "5" });
  });

  it("renders a form body as ordered pairs: lists repeat a key, nulls and unset bounds drop it", () => {
    const { ep, issues } = compile({
      path: "f",
      method: "POST",
      data: { a: [1, "{resources.p.id}"], n: null, e: "{incremental.end_value}", "k{resources.p.id}": true },
      incremental: { cursor_path: "ts", initial_value: 1 },
    });
    expect(issues).toEqual([]);
    const spec = renderRequest(ep, {
      parent: { name: "p", record: { id: 4 } },
      incremental: { start_value: 1 },
    });
    expect(spec.data).toEqual([
      ["a", "1"],
      ["a", "4"],
      ["k4", "true"],
    ]);
  });

  it("reports a form list entry that is not a [key, value] pair at its index", () => {
    const { issues } = compile({
      path: "f",
      method: "POST",
      data: [["a", 1], ["b"]] as unknown as Endpoint["data"],
    });
    expect(issues.map((i) => i.path)).toEqual(["resources[0].endpoint.data[1]"]);
  });
});
