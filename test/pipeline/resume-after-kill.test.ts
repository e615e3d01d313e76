import { type ChildProcess, spawn } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type PipelineSandbox, pipelineSandbox } from "../support/pipeline-helpers.js";

const EVENTS = 2000;
const USERS = 150;
/** Bigger runs for the random kills, so a run lasts longer than the kill window even on a fast machine. */
const RANDOM_EVENTS = 20_000;
const ADDRESSES = Array.from({ length: USERS }, (_, id) => (id % 3) + 1).reduce((a, b) => a + b, 0);

let sb: PipelineSandbox;
beforeEach(() => {
  sb = pipelineSandbox("sluice-resume-");
});
afterEach(() => sb.cleanup());

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function startChild(
  env: Record<string, string> = {},
  onStdout?: (text: string) => void,
): { child: ChildProcess; done: Promise<ChildResult> } {
  const child = spawn(process.execPath, ["--import", "tsx", "test/support/pipeline-resume-child.ts"], {
    cwd: process.cwd(),
    env: {
      ...process.env,
      RESUME_PIPELINES_DIR: `${sb.dir}/pipelines`,
      RESUME_DB: sb.dbPath,
      RESUME_EVENTS: String(EVENTS),
      RESUME_USERS: String(USERS),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString();
    onStdout?.(stdout);
  });
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<ChildResult>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

async function runChild(env: Record<string, string> = {}): Promise<ChildResult> {
  return startChild(env).done;
}

/** What must hold after any sequence of crashes and a final clean run. */
async function assertExactlyOnce(expectedRuns?: number, perRun = EVENTS): Promise<void> {
  sb.make("resume");
  const [ev] = await sb.query(
    "SELECT count(*) AS n, count(DISTINCT id) AS d, min(id) AS lo, max(id) AS hi FROM $ds.events",
  );
  const n = Number(ev?.["n"]);
  expect(ev?.["d"]).toBe(n);
  expect(ev?.["lo"]).toBe(0);
  expect(ev?.["hi"]).toBe(n - 1);
  expect(n % perRun).toBe(0);
  if (expectedRuns !== undefined) expect(n).toBe(expectedRuns * perRun);
  expect(await sb.count("events__tags")).toBe(2 * n);
  const [orphans] = await sb.query(
    "SELECT count(*) AS n FROM $ds.events__tags t WHERE NOT EXISTS (SELECT 1 FROM $ds.events e WHERE e._sluice_id = t._sluice_parent_id)",
  );
  expect(orphans?.["n"]).toBe(0);
  expect(await sb.count("users")).toBe(USERS);
  expect(await sb.count("users__addresses")).toBe(ADDRESSES);
  const [loads] = await sb.query("SELECT count(*) AS n, count(DISTINCT load_id) AS d FROM $ds._sluice_loads");
  expect(loads?.["n"]).toBe(loads?.["d"]);
  expect(loads?.["n"]).toBe(n / perRun);
  const [state] = await sb.query(
    "SELECT state FROM $ds._sluice_pipeline_state ORDER BY version DESC LIMIT 1",
  );
  expect(JSON.parse(String(state?.["state"])).resources.events.next_id).toBe(n);
}

describe("resume after SIGKILL, exactly once", () => {
  // Runs whose rows the destination ends with: a package killed before it was complete on disk is
  // extracted anew; one complete on disk is loaded by the rerun, then the rerun extracts its own.
  // "streamed" (a file loaded into the transaction held open during extraction) can land before or
  // after the package is complete on disk, since files load in the background: either count is right.
  const points: [string, number | "either"][] = [
    ["extract", 1],
    ["normalize", 1],
    ["streamed", "either"],
    ["normalized", 2],
    ["load", 2],
    ["committed", 2],
  ];
  // The same with normalization on a second thread from the first record: its files, its progress and
  // its end cross a thread boundary, and a kill still loses nothing and loads nothing twice.
  const threaded = points.filter(([p]) => ["normalize", "streamed", "normalized"].includes(p));
  for (const [point, runs, thread] of [
    ...points.map(([p, r]) => [p, r, false] as const),
    ...threaded.map(([p, r]) => [p, r, true] as const),
  ]) {
    it(`completes the pending package after a kill at "${point}"${thread ? " (normalize thread)" : ""}, then extracts anew`, async () => {
      const crashed = await runChild({
        SLUICE_TEST_CRASH_AT: point,
        ...(thread ? { RESUME_THREAD_AFTER: "0" } : {}),
      });
      expect(crashed.signal).toBe("SIGKILL");
      const rerun = await runChild();
      expect(rerun.stderr).toBe("");
      expect(rerun.code).toBe(0);
      const info = JSON.parse(
        rerun.stdout
          .split("\n")
          .find((l) => l.startsWith("info "))!
          .slice(5),
      );
      const resumed = info.packages.filter((p: { resumed: boolean }) => p.resumed).length;
      const expected = runs === "either" ? resumed + 1 : runs;
      expect(resumed).toBe(expected - 1);
      expect(expected).toBeLessThanOrEqual(2);
      if (point === "committed") expect(info.packages[0].committed).toBe(false);
      await assertExactlyOnce(expected);
    }, 60_000);
  }

  it("survives kills at random moments", async () => {
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    let kills = 0;
    for (let i = 0; i < 6; i++) {
      // The kill lands a random time after the pipeline starts its first stage.
      const delay = Math.floor(random() * 300);
      let timer: NodeJS.Timeout | undefined;
      const { child, done } = startChild({ RESUME_EVENTS: String(RANDOM_EVENTS) }, (out) => {
        if (timer === undefined && out.includes("stage "))
          timer = setTimeout(() => child.kill("SIGKILL"), delay);
      });
      const result = await done;
      clearTimeout(timer);
      if (result.signal === "SIGKILL") kills++;
      else expect(result.code).toBe(0);
    }
    // Most runs must really die mid-pipeline, or the test proves nothing.
    expect(kills).toBeGreaterThanOrEqual(3);
    const final = await runChild({ RESUME_EVENTS: String(RANDOM_EVENTS) });
    expect(final.code).toBe(0);
    await assertExactlyOnce(undefined, RANDOM_EVENTS);
  }, 120_000);
});
