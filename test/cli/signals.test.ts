import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_ENTRY, runCli, TSX_LOADER, tempDir } from "../support/demo-cli.js";
import { lastRunText } from "../support/run-records.js";

const PAGES = 40;
const PER_PAGE = 10;

/** A paged API (page_number, total_pages) whose pages can be made slow, so a run can be caught mid-extract. */
async function startPagedApi(): Promise<{
  url: string;
  requests: () => number;
  delayMs: (ms: number) => void;
  close: () => Promise<void>;
}> {
  let delay = 0;
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests++;
    const page = Number(new URL(req.url ?? "/", "http://x").searchParams.get("page") ?? 1);
    const items = Array.from({ length: PER_PAGE }, (_, i) => ({
      id: (page - 1) * PER_PAGE + i,
      name: `n${page}`,
    }));
    setTimeout(() => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ items, total_pages: PAGES }));
    }, delay);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    delayMs: (ms) => {
      delay = ms;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Spawned {
  child: ChildProcess;
  stderr: () => string;
  stdout: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function spawnCli(args: string[], cwd: string, env: Record<string, string>): Spawned {
  const child = spawn(process.execPath, ["--import", TSX_LOADER, CLI_ENTRY, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: "1", CI: "true", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => {
    out += d;
  });
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    err += d;
  });
  const killer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("close", (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal });
    }),
  );
  return { child, stderr: () => err, stdout: () => out, exited };
}

async function until(cond: () => boolean, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** SIGINT and SIGTERM mid-run: a clean stop, one error/hint pair, a trace, no lock, and a rerun that loads exactly. */
describe("sluice run stopped by a signal", () => {
  let api: Awaited<ReturnType<typeof startPagedApi>>;
  let scratch: ReturnType<typeof tempDir>;
  let config: string;

  beforeAll(async () => {
    api = await startPagedApi();
    scratch = tempDir("signals");
    config = join(scratch.dir, "paged.json");
    writeFileSync(
      config,
      JSON.stringify({
        client: { base_url: `${api.url}/` },
        resources: [
          {
            name: "things",
            primary_key: "id",
            write_disposition: "merge",
            endpoint: {
              path: "things",
              data_selector: "items",
              paginator: { type: "page_number", base_page: 1, total_path: "total_pages" },
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

  const pipelinesDir = () => join(scratch.dir, "pipelines");

  async function interrupt(
    name: string,
    signals: NodeJS.Signals[],
  ): Promise<{ code: number | null; stderr: string; stdout: string }> {
    api.delayMs(150);
    const before = api.requests();
    const run = spawnCli(["run", config, "--pipeline", name], scratch.dir, {
      SLUICE_PIPELINES_DIR: pipelinesDir(),
    });
    await until(
      () => run.stderr().includes("extract things: started") && api.requests() >= before + 3,
      "a run mid-extract",
    );
    for (const s of signals) run.child.kill(s);
    const { code } = await run.exited;
    return { code, stderr: run.stderr(), stdout: run.stdout() };
  }

  async function expectCleanRerun(name: string): Promise<void> {
    api.delayMs(0);
    const rerun = await runCli(["run", config, "--pipeline", name], {
      cwd: scratch.dir,
      env: { SLUICE_PIPELINES_DIR: pipelinesDir(), CI: "true" },
    });
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toMatch(new RegExp(`things\\s+${PAGES * PER_PAGE}\\b`));
    const info = await runCli(["pipeline", name, "info", "--json"], {
      cwd: scratch.dir,
      env: { SLUICE_PIPELINES_DIR: pipelinesDir(), CI: "true" },
    });
    expect(info.code, info.stderr).toBe(0);
    // Exactly every record once: the interrupted package loaded nothing, the rerun loaded it all.
    expect(JSON.parse(info.stdout).tables).toEqual({ things: PAGES * PER_PAGE });
  }

  const expectOneErrorHintPair = (stderr: string, signal: string) => {
    const lines = stderr.trim().split("\n");
    expect(lines.filter((l) => l.startsWith("error: "))).toEqual([
      expect.stringContaining(`interrupted by ${signal}`),
    ]);
    expect(lines.filter((l) => l.startsWith("hint: "))).toHaveLength(1);
    expect(lines.at(-1)).toMatch(/^hint: run the same command again/);
    expect(stderr).not.toMatch(/^\s+at /m);
  };

  const expectInterruptedTrace = (name: string) => {
    const dir = join(pipelinesDir(), name);
    const trace = JSON.parse(lastRunText(dir));
    expect(trace.status).toBe("interrupted");
    expect(trace.error.message).toContain("interrupted by");
    expect(trace.resources).toEqual([expect.objectContaining({ name: "things", status: "interrupted" })]);
    expect(existsSync(join(dir, "run.lock"))).toBe(false);
  };

  it("SIGTERM: exits 143 after a clean stop; the rerun loads every row exactly once", async () => {
    const r = await interrupt("term", ["SIGTERM"]);
    expect(r.code, r.stderr).toBe(143);
    expectOneErrorHintPair(r.stderr, "SIGTERM");
    // The interrupted resource is labelled so, never "done".
    expect(r.stderr).toMatch(/extract things .* interrupted$/m);
    expect(r.stderr).not.toMatch(/\bdone$/m);
    expectInterruptedTrace("term");
    await expectCleanRerun("term");
  }, 90_000);

  it("SIGINT (Ctrl-C): exits 130 after a clean stop; the rerun loads every row exactly once", async () => {
    const r = await interrupt("int", ["SIGINT"]);
    expect(r.code, r.stderr).toBe(130);
    expectOneErrorHintPair(r.stderr, "SIGINT");
    expectInterruptedTrace("int");
    await expectCleanRerun("int");
  }, 90_000);

  it("a second signal while shutting down exits at once, still with one error/hint pair, a trace and no lock", async () => {
    // Two different signals: two of one kind sent at once may reach the process as one. The kernel picks
    // which of the two pending signals it delivers first; the exit code is the second one's.
    const r = await interrupt("twice", ["SIGINT", "SIGTERM"]);
    const m =
      /^error: interrupted by (SIGINT|SIGTERM), then (SIGINT|SIGTERM) while stopping: stopped at once$/m.exec(
        r.stderr,
      );
    expect(m, r.stderr).not.toBeNull();
    expect(m?.[1]).not.toBe(m?.[2]);
    expect(r.code, r.stderr).toBe(m?.[2] === "SIGINT" ? 130 : 143);
    expectOneErrorHintPair(r.stderr, m?.[1] ?? "");
    expectInterruptedTrace("twice");
    await expectCleanRerun("twice");
  }, 90_000);
});
