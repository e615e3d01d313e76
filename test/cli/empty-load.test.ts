import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, tempDir } from "../support/demo-cli.js";
import { sendJson, startHttpServer, type TestServer } from "../support/http-server.js";

/** A resource that loads nothing is named in the summary: an empty load is never silent. */
describe("sluice run: a resource with 0 records", () => {
  let api: TestServer;
  let scratch: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    api = await startHttpServer((req, res) =>
      sendJson(res, { items: req.path.startsWith("/issues") ? [] : [{ id: 1 }, { id: 2 }] }),
    );
    scratch = tempDir("empty");
  });
  afterAll(async () => {
    await api?.close();
    scratch?.remove();
  });

  it("says so in the end-of-run summary, and only for that resource", async () => {
    const config = join(scratch.dir, "gh.json");
    const endpoint = (path: string) => ({ path, data_selector: "items", paginator: "single_page" });
    writeFileSync(
      config,
      JSON.stringify({
        client: { base_url: `${api.url}/` },
        resources: [
          { name: "issues", endpoint: endpoint("issues") },
          { name: "users", endpoint: endpoint("users") },
        ],
      }),
    );
    const r = await runCli(["run", config], {
      cwd: scratch.dir,
      env: { SLUICE_PIPELINES_DIR: join(scratch.dir, "pipelines"), CI: "true" },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^issues: 0 records — check data_selector \/ filters/m);
    expect(r.stdout).not.toMatch(/^users: 0 records/m);
    expect(r.stdout).toMatch(/users\s+2/);
  }, 60_000);
});
