import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRng, type Rng } from "../../src/demo/prng.js";
import { CLI_ENTRY, TSX_LOADER, tempDir } from "../support/demo-cli.js";
import { type KillApi, killApiConfig, startKillApi } from "../support/kill-api.js";
import { expectedTables, type Query, readTables, systemProblems } from "../support/kill-expectations.js";
import { testPgUrl, uniqueDataset } from "../support/postgres-env.js";

/**
 * SIGKILL at random moments of the real `sluice run` (a child process), then a rerun to completion, many
 * times over, while the API's data changes between runs; after every rerun the destination must equal the
 * API's newest data exactly and the system tables must agree with it. The seed is printed; set
 * SLUICE_STRESS_SEED to replay a failing sequence.
 */
const SEED = Number(process.env["SLUICE_STRESS_SEED"] ?? Date.now() % 2 ** 31);
const DUCKDB_ROUNDS = 20;
const PG_ROUNDS = 4;
/** Per response: long enough that extract takes a few hundred ms and kills can land inside it. */
const API_DELAY_MS = 6;

type Phase = "extract" | "load";
interface Figures {
  rounds: number;
  kills: Record<Phase, number>;
  /** Runs that finished before their kill fired. */
  missed: number;
  /** Reruns killed too, before the run that completed. */
  secondKills: number;
  runs: number;
  ms: number;
  /** Summed extract and load wall time of the runs that completed, ms (for the average). */
  completedPhaseMs: Record<Phase, number>;
  completed: number;
}

interface Outcome {
  killed: boolean;
  code: number | null;
  stderr: string;
  /** The stage the run had reached when the kill was sent. */
  stageAtKill?: string;
  /** Wall time of extract (with normalize) and of load as the parent saw them, ms. */
  phaseMs: Record<Phase, number>;
}

/** Starts `sluice run`; when `kill` is set, SIGKILLs it `afterMs` after the stage `at` begins. */
function runSluice(args: string[], cwd: string, kill?: { at: Phase; afterMs: number }): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", TSX_LOADER, CLI_ENTRY, "run", ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: "1", CI: "true" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    let stage = "starting";
    let stageAtKill: string | undefined;
    let timer: NodeJS.Timeout | undefined;
    const at: Record<string, number> = {};
    const guard = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
      for (const m of d.matchAll(/^stage: (\w+)$/gm)) {
        stage = m[1] as string;
        at[stage] ??= performance.now();
        if (kill && timer === undefined && stage === kill.at)
          timer = setTimeout(() => {
            stageAtKill = stage;
            child.kill("SIGKILL");
          }, kill.afterMs);
      }
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      clearTimeout(guard);
      const end = performance.now();
      const loadAt = at["load"] ?? end;
      resolve({
        phaseMs: { extract: at["extract"] === undefined ? 0 : loadAt - at["extract"], load: end - loadAt },
        killed: signal === "SIGKILL",
        code,
        stderr,
        ...(stageAtKill === undefined ? {} : { stageAtKill }),
      });
    });
  });
}

async function withDuckdb<T>(path: string, work: (q: Query) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(path, { access_mode: "READ_ONLY" });
  const conn = await instance.connect();
  try {
    return await work(
      async (sql) => (await conn.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[],
    );
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

async function withPostgres<T>(url: string, work: (q: Query) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(async (sql) => (await client.query(sql)).rows as Record<string, unknown>[]);
  } finally {
    await client.end();
  }
}

interface Target {
  label: string;
  flags: string[];
  dataset: string;
  withQuery: <T>(work: (q: Query) => Promise<T>) => Promise<T>;
}

/**
 * The kill loop: each round advances the API's data, starts a run and kills it in extract or load (the
 * phase and the moment within it drawn from `rng`), sometimes changes the data again and kills the rerun
 * too, then runs to completion and compares the destination with the API's newest data.
 */
async function killRounds(
  rng: Rng,
  api: KillApi,
  target: Target,
  rounds: number,
  dir: string,
): Promise<Figures> {
  const started = performance.now();
  const config = join(dir, "kill.json");
  writeFileSync(config, JSON.stringify(killApiConfig(api.url)));
  const args = [
    config,
    "--pipeline",
    "kill",
    "--pipelines-dir",
    join(dir, "pipelines"),
    "--dataset",
    target.dataset,
    ...target.flags,
  ];
  const workingDir = join(dir, "pipelines", "kill");
  const figures: Figures = {
    rounds,
    kills: { extract: 0, load: 0 },
    missed: 0,
    secondKills: 0,
    runs: 0,
    ms: 0,
    completedPhaseMs: { extract: 0, load: 0 },
    completed: 0,
  };
  // Phase lengths from the last clean run, so kill moments spread over each phase as the data grows.
  let epoch = 0;
  api.setEpoch(epoch);
  // The very first run killed too: while it creates the dataset, its tables and the system tables.
  const creating = await runSluice(args, dir, {
    at: rng.bool(0.5) ? "extract" : "load",
    afterMs: rng.int(0, 150),
  });
  figures.runs++;
  if (creating.killed) figures.kills[creating.stageAtKill === "load" ? "load" : "extract"]++;
  else {
    expect(creating.code, creating.stderr).toBe(0);
    figures.missed++;
  }
  const first = await runSluice(args, dir);
  figures.runs++;
  expect(first.code, first.stderr).toBe(0);
  let phaseMs = first.phaseMs;

  for (let round = 0; round < rounds; round++) {
    epoch++;
    api.setEpoch(epoch);
    const at: Phase = rng.bool(0.5) ? "extract" : "load";
    const afterMs = Math.floor(rng.next() * phaseMs[at]);
    const killed = await runSluice(args, dir, { at, afterMs });
    figures.runs++;
    if (killed.killed) figures.kills[killed.stageAtKill === "load" ? "load" : "extract"]++;
    else {
      expect(killed.code, killed.stderr).toBe(0);
      figures.missed++;
    }
    if (rng.bool(0.5)) {
      epoch++;
      api.setEpoch(epoch);
    }
    if (rng.bool(0.2)) {
      // The rerun killed too, in a load: of the killed run's pending package, or of its own.
      const again = await runSluice(args, dir, {
        at: "load",
        afterMs: Math.floor(rng.next() * phaseMs.load),
      });
      figures.runs++;
      if (again.killed) figures.secondKills++;
      else expect(again.code, again.stderr).toBe(0);
    }
    const done = await runSluice(args, dir);
    figures.runs++;
    phaseMs = done.phaseMs;
    figures.completed++;
    figures.completedPhaseMs.extract += done.phaseMs.extract;
    figures.completedPhaseMs.load += done.phaseMs.load;
    expect(done.code, `round ${round} (seed ${SEED}): ${done.stderr}`).toBe(0);
    expect(done.stderr).not.toMatch(/^error:/m);
    const { tables, problems } = await target.withQuery(async (q) => ({
      tables: await readTables(q, target.dataset, epoch),
      problems: await systemProblems(q, target.dataset, workingDir, epoch),
    }));
    expect(problems, `${target.label} round ${round}, epoch ${epoch}, seed ${SEED}`).toEqual([]);
    expect(tables, `${target.label} round ${round}, epoch ${epoch}, seed ${SEED}`).toEqual(
      expectedTables(epoch),
    );
  }
  figures.ms = Math.round(performance.now() - started);
  return figures;
}

function report(label: string, f: Figures): void {
  const avg = (ms: number) => Math.round(ms / Math.max(1, f.completed));
  process.stdout.write(
    `[kill-at-scale ${label}] seed ${SEED}: ${f.rounds} rounds, ${f.runs} runs, kills in extract ${f.kills.extract}, in load ${f.kills.load}, ` +
      `reruns killed ${f.secondKills}, runs that beat their kill ${f.missed}; ` +
      `completed runs: extract ${avg(f.completedPhaseMs.extract)} ms, load ${avg(f.completedPhaseMs.load)} ms on average; ` +
      `${(f.ms / 1000).toFixed(1)} s in all\n`,
  );
}

describe("SIGKILL at random moments, then a rerun: the destination equals the API's data exactly", () => {
  let api: KillApi;
  beforeAll(async () => {
    process.stdout.write(`[kill-at-scale] seed ${SEED} (replay with SLUICE_STRESS_SEED=${SEED})\n`);
    api = await startKillApi(API_DELAY_MS);
  });
  afterAll(async () => {
    await api?.close();
  });

  it(`DuckDB: ${DUCKDB_ROUNDS} killed runs, merge + child + replace + incremental append`, async () => {
    const scratch = tempDir("kill-duckdb");
    try {
      const db = join(scratch.dir, "kill.duckdb");
      const target: Target = {
        label: "duckdb",
        flags: ["--destination", "duckdb", "--credentials", db],
        dataset: "kill_data",
        withQuery: (work) => withDuckdb(db, work),
      };
      const f = await killRounds(createRng(SEED), api, target, DUCKDB_ROUNDS, scratch.dir);
      report("duckdb", f);
      // The test proves nothing unless kills really land in both phases.
      expect(f.kills.extract).toBeGreaterThanOrEqual(3);
      expect(f.kills.load).toBeGreaterThanOrEqual(3);
    } finally {
      scratch.remove();
    }
  });

  it(`PostgreSQL: ${PG_ROUNDS} killed runs`, async () => {
    const url = testPgUrl();
    const scratch = tempDir("kill-pg");
    const dataset = uniqueDataset("kill");
    try {
      const target: Target = {
        label: "postgres",
        flags: ["--destination", "postgres", "--credentials", url],
        dataset,
        withQuery: (work) => withPostgres(url, work),
      };
      const f = await killRounds(createRng(SEED + 1), api, target, PG_ROUNDS, scratch.dir);
      report("postgres", f);
      expect(f.kills.extract + f.kills.load).toBeGreaterThanOrEqual(2);
    } finally {
      await withPostgres(url, (q) => q(`DROP SCHEMA IF EXISTS "${dataset}" CASCADE`)).catch(() => undefined);
      scratch.remove();
    }
  });
});
