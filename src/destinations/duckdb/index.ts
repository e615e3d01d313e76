import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { type DestinationOptionsBase, type DestinationRegistration, optionText } from "../registration.js";
import { sqlDestination } from "../sql/sql-destination.js";
import type { Destination, DestinationCapabilities, DestinationContext } from "../types.js";
import { DUCKDB_MAX_IDENTIFIER_LENGTH, duckdbDialect } from "./duckdb-dialect.js";
import { DuckdbDriver } from "./duckdb-driver.js";

export interface DuckdbOptions {
  /** Database file; default `<pipeline_name>.duckdb` in the current directory. `:memory:` works for tests. */
  path?: string;
  /** DuckDB settings passed at open, e.g. `{ memory_limit: "512MB", threads: "2" }`. */
  config?: Record<string, string>;
}

/**
 * Bulk loads need no insertion order (dedup uses the `_sluice_rec` column), and dropping it lets DuckDB
 * parse and write package files in parallel with less buffering. The memory limit keeps a load's RSS flat
 * whatever the package size (DuckDB spills to `<file>.tmp` beyond it); override via `config`.
 */
const DEFAULT_CONFIG: Record<string, string> = { preserve_insertion_order: "false", memory_limit: "192MB" };

export const duckdbCapabilities: DestinationCapabilities = {
  maxIdentifierLength: DUCKDB_MAX_IDENTIFIER_LENGTH,
  mergeStrategies: ["delete-insert", "upsert", "scd2"],
  transactional: true,
  singleProcess: true,
};

export function duckdbPath(
  ctx: Pick<DestinationContext, "pipelineName">,
  options: DuckdbOptions = {},
): string {
  if (options.path === ":memory:") return options.path;
  return resolve(options.path ?? `${ctx.pipelineName}.duckdb`);
}

/** The embedded default destination: one DuckDB file, dataset = schema. */
export function duckdb(options: DuckdbOptions = {}): Destination {
  return sqlDestination({
    name: "duckdb",
    capabilities: duckdbCapabilities,
    dialect: duckdbDialect,
    describeLocation: (ctx) => `${duckdbPath(ctx, options)} (schema ${ctx.datasetName})`,
    openDriver: (ctx) =>
      DuckdbDriver.open(duckdbPath(ctx, options), {
        ...DEFAULT_CONFIG,
        ...options.config,
        // A viewer takes a shared lock only: a run that starts meanwhile waits for it, then writes.
        ...(ctx.readOnly ? { access_mode: "READ_ONLY" } : {}),
      }),
  });
}

function ownOptions(options: DestinationOptionsBase): DuckdbOptions {
  return (options["duckdb"] ?? {}) as DuckdbOptions;
}

/** `duckdb:///abs/path.duckdb` or `duckdb://relative.duckdb` names the file, else `duckdb.path`, else `--credentials`. */
function databaseFile(options: DestinationOptionsBase): string | undefined {
  const url = optionText(options.url);
  if (url !== undefined) return url.replace(/^duckdb:\/\//i, "");
  return optionText(ownOptions(options).path) ?? optionText(options.credentials);
}

export const duckdbRegistration: DestinationRegistration = {
  name: "duckdb",
  create(options) {
    const path = databaseFile(options);
    return duckdb({ ...ownOptions(options), ...(path ? { path } : {}) });
  },
  run(options, place) {
    const path = resolve(place.cwd, databaseFile(options) || `${place.pipelineName}.duckdb`);
    // DuckDB does not create folders; a path like data/x.duckdb should just work.
    mkdirSync(dirname(path), { recursive: true });
    return { destination: duckdb({ ...ownOptions(options), path }), record: { path } };
  },
  // A pipeline no run recorded is read from the file a run would have used.
  reopen: (record, _options, place) =>
    duckdb({ path: optionText(record["path"]) ?? resolve(place.cwd, `${place.pipelineName}.duckdb`) }),
};
