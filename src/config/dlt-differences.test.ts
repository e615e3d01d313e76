import { describe, expect, it } from "vitest";
import { dltDifferences } from "./dlt-differences.js";
import type { RestApiConfig } from "./schema.js";

const config = (resources: unknown[]): RestApiConfig =>
  ({ client: { base_url: "http://127.0.0.1:9" }, resources }) as RestApiConfig;

describe("dltDifferences", () => {
  it("notes a child resource's per-parent cursor and booleans sent as true/false, at their paths", () => {
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
      "resources[1].endpoint.incremental",
    ]);
    expect(notes[0]?.message).toContain('sent as "false"; dlt (Python requests) sends "False"');
    expect(notes[1]?.message).toContain("one incremental cursor per parent record");
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
