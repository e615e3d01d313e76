import { describe, expect, it } from "vitest";
import { dltDifferences } from "./dlt-differences.js";
import type { RestApiConfig } from "./schema.js";

const config = (resources: unknown[]): RestApiConfig =>
  ({ client: { base_url: "http://127.0.0.1:9" }, resources }) as RestApiConfig;

describe("dltDifferences", () => {
  it("notes a child read in parallel, its per-parent cursor and booleans sent as true/false, at their paths", () => {
    const notes = dltDifferences(
      config([
        { name: "posts", endpoint: { path: "posts", params: { draft: false, q: "x" } } },
        {
          name: "comments",
          endpoint: {
            path: "posts/{resources.posts.id}/comments",
            incremental: { cursor_path: "ts", initial_value: "2024-01-01", start_param: "since" },
          },
        },
      ]),
    );
    expect(notes.map((n) => n.path)).toEqual([
      "resources[0].endpoint.params.draft",
      "resources[1]",
      "resources[1].endpoint.incremental",
    ]);
    expect(notes[0]?.message).toContain('sent as "false"; dlt (Python requests) sends "False"');
    expect(notes[1]?.message).toContain("in parallel");
    expect(notes[2]?.message).toContain("one incremental cursor per parent record");
  });

  it("says nothing of parallel children once the config chooses, itself or in resource_defaults", () => {
    const child = (parallelized?: boolean) => ({
      name: "comments",
      ...(parallelized === undefined ? {} : { parallelized }),
      endpoint: { path: "posts/{resources.posts.id}/comments" },
    });
    expect(dltDifferences(config(["posts", child(false)]))).toEqual([]);
    expect(dltDifferences(config(["posts", child(true)]))).toEqual([]);
    expect(
      dltDifferences({ ...config(["posts", child()]), resource_defaults: { parallelized: false } }),
    ).toEqual([]);
  });

  it("says nothing for a config that behaves as under dlt", () => {
    expect(
      dltDifferences(
        config([
          "users",
          {
            name: "events",
            endpoint: { path: "events", incremental: { cursor_path: "ts", initial_value: 0 } },
          },
        ]),
      ),
    ).toEqual([]);
  });
});
