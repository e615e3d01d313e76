// `sluice/testing`: run a pipeline against a recorded cassette, for users' own tests (Vitest, node:test).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { configStem, readConfigInput } from "./cli/config-input.js";
import type { CliIO } from "./cli/io.js";
import { MissingSecretError, SluiceError, secretEnvName } from "./core/errors.js";
import { openCassette } from "./http/cassette/index.js";
import { pipeline } from "./pipeline/index.js";
import { type RestApiConfigInput, type RestApiSource, restApiSource } from "./sources/rest_api/index.js";

export interface CassetteRunOptions {
  /** The cassette directory (`sluice run … --record DIR`); the file is `<pipeline>.cassette.json` in it. */
  cassette: string;
  /** Default: the config file's stem, as `sluice run`; required for a config object. */
  pipelineName?: string;
  /** Fail when a recorded exchange went unused (default true). */
  strict?: boolean;
  /** Only these resources (their parents run too). */
  resources?: string[];
  /** Where `${secrets.…}` and `${env.…}` come from (default `process.env`). A missing secret gets a stand-in. */
  env?: Record<string, string | undefined>;
  /** The directory relative paths and `.sluice/secrets.toml` are read from (default `process.cwd()`). */
  cwd?: string;
}

export interface CassetteRunResult {
  /** Rows loaded per table by this run, as `sluice run` reports them. */
  rowCounts: Record<string, number>;
  /** Every row of every table of the dataset (system tables left out), as JSON values, in column order. */
  tables: Record<string, Array<Record<string, unknown>>>;
}

const SILENT = { write: () => true } as unknown as NodeJS.WritableStream;

/**
 * Runs a config against a cassette, with no network, into a temporary DuckDB file that is removed
 * afterwards, and returns what was loaded. Secrets the cassette scrubbed need no real value: a missing
 * one is given a stand-in, which matches because secrets are compared by where they go.
 */
export async function runWithCassette(
  config: string | RestApiConfigInput,
  options: CassetteRunOptions,
): Promise<CassetteRunResult> {
  const cwd = options.cwd ?? process.cwd();
  let env: Record<string, string | undefined> = { ...(options.env ?? process.env) };
  let cfg: RestApiConfigInput;
  let name = options.pipelineName;
  if (typeof config === "string") {
    const io: CliIO = { stdout: SILENT, stderr: SILENT, env, cwd, isTTY: false };
    const input = await readConfigInput(resolve(cwd, config), io);
    if (input.kind !== "config")
      throw new SluiceError(`${config} exports a ready source: runWithCassette needs a config`, {
        code: "CASSETTE_CONFIG",
        hint: "export the config object itself from the module",
      });
    cfg = input.config;
    name ??= configStem(config);
  } else cfg = config;
  if (name === undefined)
    throw new SluiceError("runWithCassette: a config object needs options.pipelineName", {
      code: "CASSETTE_CONFIG",
      hint: "pass the pipeline name the cassette was recorded under (`--pipeline`, or the config file's stem)",
    });
  const cassette = openCassette({
    mode: "replay",
    dir: resolve(cwd, options.cassette),
    pipeline: name,
    strict: options.strict ?? true,
  });
  let source: RestApiSource;
  try {
    source = restApiSource(cfg, { name, env, cwd, cassette });
  } catch (err) {
    if (!(err instanceof MissingSecretError)) throw err;
    env = { ...env };
    for (const secret of err.names) env[secretEnvName(secret)] = `cassette-stand-in-${secret}`;
    source = restApiSource(cfg, { name, env, cwd, cassette });
  }
  const work = mkdtempSync(join(tmpdir(), "sluice-cassette-"));
  try {
    const file = join(work, `${name}.duckdb`);
    const p = pipeline({
      pipeline_name: name,
      destination: "duckdb",
      destination_options: { duckdb: { path: file } },
      pipelines_dir: join(work, "pipelines"),
    });
    let rowCounts: Record<string, number>;
    try {
      const info = await p.run(source, options.resources ? { resources: options.resources } : {});
      rowCounts = info.rowCounts;
    } finally {
      await source.close();
    }
    cassette.finish();
    return { rowCounts, tables: await readTables(file, p.datasetName) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function readTables(file: string, dataset: string): Promise<CassetteRunResult["tables"]> {
  const instance = await DuckDBInstance.create(file, { access_mode: "READ_ONLY" });
  const conn = await instance.connect();
  try {
    const quoted = dataset.replace(/'/g, "''");
    const names = (
      await conn.runAndReadAll(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = '${quoted}' AND table_name NOT LIKE '\\_sluice\\_%' ESCAPE '\\' ORDER BY 1`,
      )
    ).getRowObjectsJson();
    const out: CassetteRunResult["tables"] = {};
    for (const { table_name } of names) {
      const t = String(table_name).replace(/"/g, '""');
      const reader = await conn.runAndReadAll(`SELECT * FROM "${dataset.replace(/"/g, '""')}"."${t}"`);
      out[String(table_name)] = reader.getRowObjectsJson() as Array<Record<string, unknown>>;
    }
    return out;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
