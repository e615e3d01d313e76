import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, tempDir } from "../support/demo-cli.js";
import { sendJson, startHttpServer, type TestServer } from "../support/http-server.js";

// A resource that loaded no row has no table (as in dlt), but it has state (its incremental cursor):
// `pipeline drop` knows it from the state and drops that, as dlt's drop does.
describe("pipeline drop of a resource that loaded 0 records", () => {
  let api: TestServer;
  let scratch: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    api = await startHttpServer((req, res) =>
      sendJson(res, { items: req.path.startsWith("/issues") ? [] : [{ id: 1 }, { id: 2 }] }),
    );
    scratch = tempDir("drop-empty");
  });
  afterAll(async () => {
    await api?.close();
    scratch?.remove();
  });

  it("drops its state, and still refuses a name it has never seen", async () => {
    const config = join(scratch.dir, "gh.json");
    writeFileSync(
      config,
      JSON.stringify({
        client: { base_url: `${api.url}/` },
        resources: [
          {
            name: "issues",
            endpoint: {
              path: "issues",
              data_selector: "items",
              paginator: "single_page",
              params: { since: "{incremental.start_value}" },
              incremental: { cursor_path: "updated_at", initial_value: "2024-01-01" },
            },
          },
          { name: "users", endpoint: { path: "users", data_selector: "items", paginator: "single_page" } },
        ],
      }),
    );
    const opts = {
      cwd: scratch.dir,
      env: { SLUICE_PIPELINES_DIR: join(scratch.dir, "pipelines"), CI: "true" },
    };
    const run = await runCli(["run", config], opts);
    expect(run.code, run.stderr).toBe(0);
    const stateOf = async () => {
      const info = await runCli(["pipeline", "gh", "info", "--json"], opts);
      expect(info.code, info.stderr).toBe(0);
      return (JSON.parse(info.stdout) as { state: { resources: Record<string, unknown> } }).state.resources;
    };
    expect(Object.keys(await stateOf())).toContain("issues");

    const drop = await runCli(["pipeline", "gh", "drop", "issues"], opts);
    expect(drop.code, drop.stderr).toBe(0);
    expect(drop.stdout).toContain("Dropped no table and the state of issues.");
    const after = await stateOf();
    expect(Object.keys(after)).not.toContain("issues");
    expect(Object.keys(after)).toContain("users");

    const unknown = await runCli(["pipeline", "gh", "drop", "nothing"], opts);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("has no resource nothing");
    expect(unknown.stderr).toContain("its resources: users");
  }, 60_000);
});
