import { describe, expect, it } from "vitest";
import { checkConfig } from "../../config/index.js";
import { SluiceError } from "../../core/errors.js";
import type { EndpointResource } from "./config-types.js";
import { includeFromParent, isSingleEntityPath, planResources } from "./graph.js";

/** The plans of these resources, and what the config rules (which planning relies on) say of them. */
function plan(resources: Array<string | EndpointResource>) {
  const issues = checkConfig({ client: { base_url: "https://api.example.com" }, resources }).errors;
  const plans = planResources(resources, undefined);
  return { plans, issues };
}

describe("parent/child graph", () => {
  it("links children and grandchildren and orders parents first", () => {
    const { plans, issues } = plan([
      { name: "replies", endpoint: "comments/{resources.comments.id}/replies" },
      { name: "comments", endpoint: { path: "posts/{resources.posts.id}/comments" } },
      "posts",
    ]);
    expect(issues).toEqual([]);
    expect(plans.map((p) => [p.resource.name, p.parent])).toEqual([
      ["posts", undefined],
      ["comments", "posts"],
      ["replies", "comments"],
    ]);
  });

  it("lets two children share one parent", () => {
    const { plans, issues } = plan([
      "issues",
      { name: "comments", endpoint: "issues/{resources.issues.number}/comments" },
      { name: "events", endpoint: { path: "events", params: { issue: "{resources.issues.number}" } } },
    ]);
    expect(issues).toEqual([]);
    expect(plans.map((p) => p.parent)).toEqual([undefined, "issues", "issues"]);
  });

  it("reports an unknown parent naming the resource and the config path", () => {
    const { issues } = plan([
      "posts",
      { name: "c", endpoint: { path: "x", params: { p: "{resources.post.id}" } } },
    ]);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe("resources[1].endpoint.params.p");
    expect(issues[0]?.message).toContain('"c"');
    expect(issues[0]?.message).toContain('unknown parent resource "post"');
    expect(issues[0]?.hint).toContain("posts");
  });

  it("reports a cycle", () => {
    const { issues } = plan([
      { name: "a", endpoint: "x/{resources.b.id}" },
      { name: "b", endpoint: "y/{resources.a.id}" },
    ]);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toContain("cycle: a → b → a");
    const self = plan([{ name: "a", endpoint: "x/{resources.a.id}" }]);
    expect(self.issues[0]?.message).toContain("cycle");
  });

  it("reports two parents and duplicate names", () => {
    const { issues } = plan([
      "p",
      "q",
      { name: "c", endpoint: { path: "x/{resources.p.id}", params: { y: "{resources.q.id}" } } },
      "p",
    ]);
    expect(issues.map((i) => i.message).join("\n")).toMatch(/several parents \(p, q\)/);
    expect(issues.map((i) => i.message).join("\n")).toMatch(/"p" is defined twice/);
  });

  it("guesses single-entity paths as dlt does", () => {
    const { plans } = plan([
      "users",
      { name: "a", endpoint: "users/{resources.users.id}" },
      { name: "b", endpoint: "users/{resources.users.id}/" },
      { name: "c", endpoint: "users/{resources.users.id}/posts" },
      { name: "d", endpoint: "users/x{resources.users.id}" },
    ]);
    expect(plans.map((p) => [p.resource.name, isSingleEntityPath(p.endpoint)])).toEqual([
      ["users", false],
      ["a", true],
      ["b", true],
      ["c", false],
      ["d", false],
    ]);
  });

  it("include_from_parent adds _<parent>_<field> columns, failing clearly on a missing field", () => {
    const out = includeFromParent("c", [{ a: 1 }], "posts", { id: 3, title: "t" }, ["id", "title"]);
    expect(out).toEqual([{ a: 1, _posts_id: 3, _posts_title: "t" }]);
    expect(() => includeFromParent("c", [{ a: 1 }], "posts", { id: 3 }, ["nope"])).toThrow(SluiceError);
  });
});
