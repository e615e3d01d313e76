import { createLogger, jsonSink, textSink } from "../../core/logger.js";
import type { Pipeline } from "../../pipeline/index.js";
import { type RunTrace, readLatestRun, readRun, statusFilter } from "../../pipeline/run-history.js";
import type { StoredSchema, TableSchema } from "../../schema/types.js";
import { EXIT } from "../exit-codes.js";
import type { GlobalOptions } from "../global-options.js";
import type { CliIO } from "../io.js";
import { openPipeline } from "../open-pipeline.js";
import { UsageError } from "../report-error.js";
import { formatCount, formatDuration, textTable } from "../text-table.js";

export interface PipelineFlags {
  pipelinesDir?: string;
  rows?: string;
  json?: boolean;
  credentials?: string;
  allFailed?: boolean;
  requests?: boolean;
  resource?: string;
  status?: string;
  yes?: boolean;
  /** trace: this run (an id from the dashboard or `info`) instead of the last. */
  run?: string;
  /** show --web: open the dashboard at this pipeline. */
  web?: boolean;
  port?: string;
  open?: boolean;
}

/** `sluice pipeline <name> info|show|trace|drop|packages`. */
export async function pipelineCommand(
  name: string,
  action: string,
  targets: string[],
  flags: PipelineFlags,
  globals: GlobalOptions,
  io: CliIO,
): Promise<number> {
  const logger = createLogger({
    level: globals.logLevel === "info" ? "warn" : globals.logLevel,
    sink: globals.logFormat === "json" ? jsonSink(io.stderr) : textSink(io.stderr),
  });
  const p = openPipeline(name, flags, io, logger);
  const out = (s: string) => io.stdout.write(s);

  if (action === "show" && flags.web) {
    const { dashboardCommand } = await import("./dashboard.js");
    return dashboardCommand(flags, io, name);
  }

  if (action === "trace") {
    const trace = flags.run === undefined ? readLatestRun(p.workingDir) : readRun(p.workingDir, flags.run);
    if (!trace)
      throw new UsageError(
        flags.run === undefined
          ? `Pipeline "${name}" has no trace yet`
          : `Pipeline "${name}" has no run ${flags.run}`,
        flags.run === undefined
          ? "a trace is written by `sluice run`"
          : `its kept runs are listed by \`sluice pipeline ${name} info\` and in \`sluice dashboard\``,
      );
    if (flags.requests) {
      const selected = tracedRequests(trace, flags.resource, flags.status);
      if (flags.json) out(`${JSON.stringify(selected, null, 2)}\n`);
      else out(formatRequests(name, selected));
      return EXIT.ok;
    }
    if (flags.json) {
      out(`${JSON.stringify(trace, null, 2)}\n`);
      return EXIT.ok;
    }
    const lines = [
      `${flags.run === undefined ? "Last run" : `Run ${trace.id}`} of ${name}: ${trace.status} at ${trace.finished_at ?? trace.started_at} after ${formatDuration(trace.duration_ms)}`,
      `working dir: ${p.workingDir}`,
      `config:      ${trace.config}`,
      `destination: ${trace.destination} ${trace.location ?? ""}`,
      `load ids:    ${trace.load_ids.join(", ") || "(none)"}`,
    ];
    if (trace.error)
      lines.push(
        `error:       ${trace.error.message}`,
        ...(trace.error.hint ? [`hint:        ${trace.error.hint}`] : []),
      );
    lines.push(
      "",
      textTable(
        ["stage", "duration"],
        trace.stages.map((s) => [s.name, formatDuration(s.duration_ms)]),
      ),
    );
    lines.push(
      "",
      textTable(
        ["resource", "requests", "pages", "records", "retries", "elapsed"],
        trace.resources.map((r) => [
          r.name,
          r.requests,
          r.pages,
          r.records,
          r.retries,
          formatDuration(r.elapsed_ms),
        ]),
      ),
    );
    const notable = trace.log.filter((e) => e.level === "warn" || e.level === "error");
    if (notable.length > 0)
      lines.push("", "Warnings and errors:", ...notable.map((e) => `  ${e.time} ${e.level} ${e.msg}`));
    lines.push("", `(${trace.log.length} log entries: sluice pipeline ${name} trace --json)`, "");
    out(lines.join("\n"));
    return EXIT.ok;
  }

  if (action === "packages") {
    const { packagesCommand } = await import("./packages.js");
    return packagesCommand(p, targets, flags, out);
  }

  if (action === "drop") {
    if (targets.length === 0)
      throw new UsageError(
        "Name the resources to drop",
        `sluice pipeline ${name} drop <resource…>; \`sluice pipeline ${name} info\` lists them`,
      );
    const schema = await p.schema();
    // A resource that loaded no row has no table (as in dlt) but may have state, its cursor among it.
    const known = new Set([
      ...Object.values(schema?.tables ?? {}).map((t) => t.resource),
      ...Object.keys((await p.state()).resources),
    ]);
    const unknown = targets.filter((t) => !known.has(t));
    if (unknown.length > 0)
      throw new UsageError(
        `Pipeline "${name}" has no resource ${unknown.join(", ")}`,
        `its resources: ${[...known].join(", ") || "(none loaded yet)"}`,
      );
    const doomed = Object.values(schema?.tables ?? {})
      .filter((t) => targets.includes(t.resource))
      .map((t) => t.name);
    if (flags.yes !== true && io.confirm !== undefined) {
      const what =
        doomed.length > 0 ? `table${doomed.length === 1 ? "" : "s"} ${doomed.join(", ")}` : "no table";
      const sure = await io.confirm(
        `Drop ${what} and the state of ${targets.join(", ")} from ${p.destination.name} ${p.destinationLocation} (dataset ${p.datasetName})?`,
      );
      if (!sure) {
        out("Nothing dropped.\n");
        return EXIT.failure;
      }
    }
    const { tables, packages } = await p.drop({ resources: targets });
    out(
      `Dropped ${tables.length === 0 ? "no table" : `${tables.length} table${tables.length === 1 ? "" : "s"} (${tables.join(", ")})`} and the state of ${targets.join(", ")}.\n`,
    );
    if (packages.length > 0)
      out(
        `Dropped ${packages.length} package${packages.length === 1 ? "" : "s"} not loaded (${packages.join(", ")}): extracted against the old state, ${packages.length === 1 ? "it" : "they"} would bring the dropped data back.\n`,
      );
    out(`The next \`sluice run\` loads ${targets.length === 1 ? "it" : "them"} from scratch.\n`);
    return EXIT.ok;
  }

  const schema = await p.schema();
  const tables = Object.values(schema?.tables ?? {});
  const client = await p.destinationClient();
  try {
    if (action === "info") {
      const counts = tables.length > 0 ? await client.rowCounts(tables.map((t) => t.name)) : {};
      const loads = await client.listLoads(5);
      const state = await p.state();
      if (flags.json) {
        out(
          `${JSON.stringify({ pipeline: name, working_dir: p.workingDir, destination: p.destination.name, location: p.destinationLocation, dataset: p.datasetName, loads, tables: counts, state }, null, 2)}\n`,
        );
        return EXIT.ok;
      }
      const lines = [
        `Pipeline ${name}`,
        `working dir: ${p.workingDir}`,
        `destination: ${p.destination.name} ${p.destinationLocation}`,
        `dataset:     ${p.datasetName}`,
        ...lastRun(p.workingDir),
        ...notLoaded(p),
        "",
        loads.length > 0
          ? textTable(
              ["load id", "status", "inserted at"],
              loads.map((l) => [
                l.load_id,
                l.status === 0 ? "loaded" : String(l.status),
                String(l.inserted_at),
              ]),
            )
          : "(no loads yet)",
        "",
        tables.length > 0
          ? textTable(
              ["table", "resource", "disposition", "rows"],
              tables.map((t) => [t.name, t.resource, disposition(t), counts[t.name] ?? 0]),
            )
          : "(no tables yet)",
        "",
        `state (version ${state.version}):`,
        ...Object.entries(state.resources).map(([r, s]) => `  ${r}: ${JSON.stringify(s)}`),
        ...(Object.keys(state.resources).length === 0 ? ["  (no resource state)"] : []),
        "",
      ];
      out(lines.join("\n"));
      return EXIT.ok;
    }

    // show
    const tableName = targets[0];
    if (tableName === undefined) {
      out(
        tables.length > 0
          ? `Tables of ${name}: ${tables.map((t) => t.name).join(", ")}\n`
          : `Pipeline ${name} has no tables yet.\n`,
      );
      out(`Show one: sluice pipeline ${name} show <table>\n`);
      return EXIT.ok;
    }
    const table = schema?.tables[tableName];
    if (!table)
      throw new UsageError(
        `Pipeline "${name}" has no table "${tableName}"`,
        `its tables: ${tables.map((t) => t.name).join(", ") || "(none yet)"}`,
      );
    const limit = Math.max(1, Number.parseInt(flags.rows ?? "10", 10) || 10);
    const rows = await client.sampleRows(table.name, limit);
    if (flags.json) {
      out(`${JSON.stringify({ table: table.name, columns: Object.values(table.columns), rows }, null, 2)}\n`);
      return EXIT.ok;
    }
    const count = (await client.rowCounts([table.name]))[table.name] ?? 0;
    out(
      `${table.name}: ${formatCount(count)} rows, ${disposition(table)}${table.parent ? `, child of ${table.parent}` : ""}\n`,
    );
    out(
      `in ${p.destination.name} ${p.destinationLocation} (pipeline ${name}, working dir ${p.workingDir})\n\n`,
    );
    out(`${columnsTable(table)}\n\n`);
    out(`${rowsTable(table, rows)}\n`);
    return EXIT.ok;
  } finally {
    await client.close();
  }
}

export function disposition(t: TableSchema): string {
  return t.merge_strategy ? `${t.write_disposition} (${t.merge_strategy})` : t.write_disposition;
}

export function columnsTable(t: TableSchema): string {
  return textTable(
    ["column", "type", "nullable", "key"],
    Object.values(t.columns).map((c) => [
      c.name,
      c.data_type +
        (c.precision !== undefined ? `(${c.precision}${c.scale !== undefined ? `,${c.scale}` : ""})` : ""),
      c.nullable ? "yes" : "no",
      [c.primary_key ? "primary" : "", c.merge_key ? "merge" : "", c.variant ? "variant" : ""]
        .filter(Boolean)
        .join(","),
    ]),
  );
}

/** First rows, user columns only (system columns are noise here), cells cut to stay readable. */
function rowsTable(t: TableSchema, rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return "(no rows)";
  const cols = Object.keys(t.columns).filter((c) => !c.startsWith("_sluice_"));
  const cell = (v: unknown) => {
    const s =
      v === null || v === undefined
        ? ""
        : v instanceof Date
          ? v.toISOString()
          : typeof v === "object"
            ? JSON.stringify(v)
            : String(v);
    return s.length > 32 ? `${s.slice(0, 31)}…` : s;
  };
  return textTable(
    cols,
    rows.map((r) => cols.map((c) => cell(r[c]))),
  );
}

export function schemaText(schema: StoredSchema): string {
  const parts = [`Schema ${schema.name}, version ${schema.version} (${schema.version_hash})`];
  for (const t of Object.values(schema.tables)) {
    parts.push(
      "",
      `${t.name}  [${disposition(t)}; resource ${t.resource}${t.parent ? `; child of ${t.parent}` : ""}]`,
      columnsTable(t),
    );
  }
  return `${parts.join("\n")}\n`;
}

function lastRun(workingDir: string): string[] {
  const trace = readLatestRun(workingDir);
  if (!trace) return [];
  return [
    `last run:    ${trace.status} at ${trace.finished_at ?? trace.started_at} after ${formatDuration(trace.duration_ms)} (run ${trace.id})`,
  ];
}

/** Packages waiting or failed: info points at `packages` so a failure is never out of sight. */
function notLoaded(p: Pipeline): string[] {
  const pending = p.pendingPackages();
  if (pending.length === 0) return [];
  const failed = pending.filter((x) => x.manifest.status === "failed").length;
  const parts = [
    ...(failed > 0 ? [`${failed} failed`] : []),
    ...(pending.length > failed ? [`${pending.length - failed} pending`] : []),
  ];
  return [`packages:    ${parts.join(", ")} (sluice pipeline ${p.pipelineName} packages)`];
}

type Traced = NonNullable<RunTrace["resources"][number]["requests_log"]>[number] & { resource: string };

/** The trace's requests, filtered by resource and by status (`404`, a class like `4xx`, `0` for network errors). */
function tracedRequests(trace: RunTrace, resource: string | undefined, status: string | undefined): Traced[] {
  if (resource !== undefined && !trace.resources.some((r) => r.name === resource))
    throw new UsageError(
      `The last run has no resource "${resource}"`,
      `resources: ${trace.resources.map((r) => r.name).join(", ") || "(none)"}`,
    );
  const matches = statusFilter(status);
  if (matches === undefined)
    throw new UsageError(
      `--status ${status} is not a status`,
      "give one like 404, or a class like 4xx or 5xx; 0 means a network error",
    );
  return trace.resources
    .filter((r) => resource === undefined || r.name === resource)
    .flatMap((r) => (r.requests_log ?? []).map((q) => ({ ...q, resource: r.name })))
    .filter((q) => matches(q.status));
}

function formatRequests(name: string, requests: Traced[]): string {
  if (requests.length === 0) return `No requests of ${name}'s last run match.\n`;
  const table = textTable(
    ["resource", "#", "at", "method", "url", "status", "attempt", "time", "wait", "bytes", "records", "next"],
    requests.map((q) => [
      q.resource,
      q.n,
      formatDuration(q.at_ms),
      q.method,
      q.url,
      q.status === 0 ? "network" : q.status,
      q.attempt,
      formatDuration(q.durationMs),
      q.waitMs >= 1 ? formatDuration(q.waitMs) : "",
      q.bytes,
      q.page?.records ?? "",
      q.retry !== undefined
        ? `retry in ${formatDuration(q.retry.delayMs)} (${q.retry.cause})`
        : (q.page?.next ?? ""),
    ]),
  );
  return `${table}\n`;
}
