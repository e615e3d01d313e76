import { describe, expect, it } from "vitest";
import { formatPath } from "./positions.js";
import type { RestApiConfig } from "./schema.js";
import { semanticIssues } from "./semantic.js";

/** The errors of the config rules, as `path: message`. */
function errors(config: Omit<RestApiConfig, "client">): string[] {
  const full = { client: { base_url: "https://api.example.com" }, ...config } as RestApiConfig;
  return semanticIssues(full).errors.map((e) => `${formatPath(e.path)}: ${e.message}`);
}

describe("placeholder rules judge the endpoint a run uses", () => {
  it("sees parents a resource inherits from resource_defaults (here: a parent of itself)", () => {
    expect(
      errors({
        resource_defaults: { endpoint: { params: { post: "{resources.posts.id}" } } },
        resources: ["posts", { name: "comments", endpoint: { path: "comments" } }],
      }),
    ).toEqual(["resources[0]: resources form a cycle: posts → posts (each takes values from the next)"]);
  });

  it("reports an inherited {incremental.…} at resource_defaults, for each resource without a cursor", () => {
    expect(
      errors({
        resource_defaults: { endpoint: { params: { since: "{incremental.start_value}" } } },
        resources: ["a", { name: "b", endpoint: { path: "b", incremental: { cursor_path: "t" } } }],
      }),
    ).toEqual([
      'resource_defaults.endpoint.params.since: placeholder {incremental.…} used but resource "a" has no incremental',
    ]);
  });

  it("judges a malformed placeholder in resource_defaults once, where it is written", () => {
    expect(
      errors({ resource_defaults: { endpoint: { params: { q: "{resources.p}" } } }, resources: ["a", "b"] }),
    ).toEqual([
      'resource_defaults.endpoint.params.q: placeholder {resources.p} in "{resources.p}" is not of the form {resources.<resource>.<field>}',
    ]);
  });

  it("refuses an unclosed placeholder, and checks a $-prefixed one only when it is a dlt placeholder", () => {
    expect(errors({ resources: ["p", { name: "x", endpoint: "/x/{resources.p.id" }] })).toEqual([
      'resources[1].endpoint: unclosed placeholder in "/x/{resources.p.id"',
    ]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a placeholder after a literal $
    expect(errors({ resources: ["p", { name: "x", endpoint: "/x/${resources.nope.id}" }] })).toEqual([
      'resources[1].endpoint: resource "x" refers to unknown parent resource "nope"',
    ]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: sluice's secret reference syntax
    const secret = "/x/${secrets.k}";
    // biome-ignore lint/suspicious/noTemplateCurlyInString: sluice's env reference syntax
    const env = "${env.A}";
    expect(errors({ resources: [{ name: "x", endpoint: { path: secret, json: { a: env } } }] })).toEqual([]);
  });

  it("binds a path {name} to a param from resource_defaults, and a param to every {name} that names it", () => {
    expect(
      errors({
        resource_defaults: { endpoint: { params: { org: "acme" } } },
        resources: [
          "p",
          {
            name: "x",
            endpoint: {
              path: "/orgs/{org}/{n}/{n}",
              params: { n: { type: "resolve", resource: "p", field: "id" } },
            },
          },
        ],
      }),
    ).toEqual([]);
  });

  it("refuses a resolve param the path does not use, and a path name with no value", () => {
    expect(
      errors({
        resources: [
          "p",
          {
            name: "x",
            endpoint: { path: "/x/{id}", params: { r: { type: "resolve", resource: "p", field: "id" } } },
          },
        ],
      }),
    ).toEqual([
      "resources[1].endpoint.path: placeholder {id} in the path has no value",
      'resources[1].endpoint.params.r: resolve param "r" is not used in the path "/x/{id}"',
    ]);
  });

  it("reads form bodies and a resource name standing in for the path", () => {
    expect(
      errors({
        resources: [
          {
            name: "f",
            endpoint: { path: "f", method: "POST", data: [["since", "{incremental.start_value}"]] },
          },
          { name: "n{id}" },
        ],
      }),
    ).toEqual([
      'resources[0].endpoint.data[0][1]: placeholder {incremental.…} used but resource "f" has no incremental',
      "resources[1].name: placeholder {id} in the path has no value",
    ]);
  });
});
