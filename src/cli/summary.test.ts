import { describe, expect, it } from "vitest";
import type { LoadInfo } from "../pipeline/index.js";
import { formatSummary, formatSummaryJson } from "./summary.js";

function info(records: Record<string, number>, rowCounts: Record<string, number>): LoadInfo {
  return {
    pipelineName: "gh",
    datasetName: "gh_dataset",
    destination: { name: "duckdb", location: "/tmp/gh.duckdb" },
    loadIds: ["1"],
    packages: [],
    rowCounts,
    records,
    timings: { extractMs: 1, normalizeMs: 1, loadMs: 1, totalMs: 3 },
  };
}

describe("end-of-run summary", () => {
  it("names every resource that produced 0 records, so an empty load is never silent", () => {
    const text = formatSummary(info({ issues: 0, users: 3, labels: 0 }, { users: 3 }), [], "/t/trace.json");
    expect(text).toContain("issues: 0 records — check data_selector / filters");
    expect(text).toContain("labels: 0 records — check data_selector / filters");
    expect(text).not.toContain("users: 0 records");
    const json = JSON.parse(formatSummaryJson(info({ issues: 0, users: 3 }, { users: 3 }), [], "/t"));
    expect(json).toMatchObject({ level: "warn", empty_resources: ["issues"] });
  });

  it("says nothing of the kind when every resource produced records", () => {
    const text = formatSummary(info({ users: 3 }, { users: 3 }), [], "/t/trace.json");
    expect(text).not.toContain("0 records");
    expect(JSON.parse(formatSummaryJson(info({ users: 3 }, { users: 3 }), [], "/t"))).not.toHaveProperty(
      "empty_resources",
    );
  });

  it("prints per resource its requests, retries and the requests it had in flight on average", () => {
    const snap = (name: string, requests: number, retries: number, avgInFlight: number) => ({
      name,
      pages: requests,
      records: requests * 10,
      requests,
      retries,
      avgInFlight,
      elapsedMs: 1000,
      done: true,
    });
    const text = formatSummary(
      info({ users: 30, repos: 10 }, { users: 30, repos: 10 }),
      [snap("users", 12, 2, 6.04), snap("repos", 1, 0, 0.93), snap("local", 0, 0, 0)],
      "/t/trace.json",
    );
    const lines = text.split("\n");
    const head = lines.findIndex((l) => l.startsWith("resource"));
    expect(lines[head]).toMatch(/^resource\s+requests\s+retries\s+avg in flight$/);
    expect(lines[head + 2]).toMatch(/^repos\s+1\s+0\s+0\.9$/);
    expect(lines[head + 3]).toMatch(/^users\s+12\s+2\s+6\.0$/);
    // A resource that made no request (a TypeScript generator) has no line.
    expect(text).not.toMatch(/^local/m);
  });
});
