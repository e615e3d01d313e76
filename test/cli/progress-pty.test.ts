import { spawn, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_ENTRY, TSX_LOADER, tempDir } from "../support/demo-cli.js";
import { sendJson, startHttpServer, type TestServer } from "../support/http-server.js";

/** util-linux `script` gives the run a real pseudo-terminal, as a user's shell would. */
const hasScript = spawnSync("script", ["--version"]).status === 0;
if (!hasScript && process.env.CI === "true")
  throw new Error("the progress-bar test needs util-linux `script` (a pseudo-terminal); install util-linux");

const PAGES = 30;

describe.skipIf(!hasScript)("progress on a terminal", () => {
  let api: TestServer;
  let scratch: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    // Offset pages with the total reported, slow enough that the live block is drawn many times.
    api = await startHttpServer(async (req, res) => {
      const offset = Number(req.query.get("offset") ?? 0);
      await new Promise((r) => setTimeout(r, 60));
      sendJson(res, { items: Array.from({ length: 10 }, (_, i) => ({ id: offset + i })), total: PAGES * 10 });
    });
    scratch = tempDir("pty");
    writeFileSync(
      join(scratch.dir, "api.json"),
      JSON.stringify({
        client: { base_url: `${api.url}/` },
        resources: [
          {
            name: "items",
            page_concurrency: 2,
            endpoint: {
              path: "items",
              data_selector: "items",
              paginator: { type: "offset", limit: 10, total_path: "total" },
            },
          },
        ],
      }),
    );
  });
  afterAll(async () => {
    await api?.close();
    scratch?.remove();
  });

  it("draws a bar with the percentage and the time left where the total is known", async () => {
    const command = [process.execPath, "--import", TSX_LOADER, CLI_ENTRY, "run", "api.json"]
      .map((a) => `'${a.replace(/'/g, "'\\''")}'`)
      .join(" ");
    const env: Record<string, string | undefined> = {
      ...process.env,
      SLUICE_PIPELINES_DIR: join(scratch.dir, "pipelines"),
      NO_COLOR: "1",
      TERM: "xterm",
      COLUMNS: "160",
    };
    // Off CI on purpose: under CI=true sluice never draws live lines, whatever the terminal.
    delete env.CI;
    const child = spawn("script", ["-qfec", command, "/dev/null"], { cwd: scratch.dir, env });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d;
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).toBe(0);
    const frames = out.match(/items +\[[#.]{20}\] +\d+% +ETA [\d.]+ (ms|s) +\d+ of 30 pages/g) ?? [];
    expect(frames.length).toBeGreaterThan(1);
    // The bar fills up: a later frame is further along than the first.
    const percents = frames.map((f) => Number(/(\d+)%/.exec(f)![1]));
    expect(Math.max(...percents)).toBeGreaterThan(Math.min(...percents));
    // Redrawn in place (cursor up, erase), and the final line has counts, not a bar.
    expect(out).toContain("\x1b[0J");
    expect(out).toMatch(/items +30 pages +300 records .* done/);
  }, 60_000);
});
