import { createLogger, jsonSink, textSink } from "../../core/logger.js";
import { resolveDestination } from "../../destinations/registry.js";
import { type PreviewResult, previewResources } from "../../pipeline/preview.js";
import type { StoredSchema } from "../../schema/types.js";
import { restApiSource } from "../../sources/rest_api/index.js";
import { readConfigInput } from "../config-input.js";
import { EXIT } from "../exit-codes.js";
import type { GlobalOptions } from "../global-options.js";
import { exitCodeForSignal, watchSignals } from "../interrupt.js";
import type { CliIO } from "../io.js";
import { UsageError } from "../report-error.js";
import { formatDuration, plural, textTable } from "../text-table.js";

export interface PreviewFlags {
  resource?: string[];
  pages?: string;
  json?: boolean;
}

/** Longest identifier when the destination cannot even be described without its credentials: PostgreSQL's. */
const FALLBACK_IDENTIFIER_LENGTH = 63;

/**
 * `sluice preview <config>`: the first pages of each resource, what the paginator made of them, and the
 * rows and schema sluice would load, with nothing written (no working dir, no destination). It exits 1
 * when a resource failed, so a script can use it as a check.
 */
export async function previewCommand(
  configPath: string,
  flags: PreviewFlags,
  globals: GlobalOptions,
  io: CliIO,
): Promise<number> {
  const pages = flags.pages === undefined ? 2 : Number(flags.pages);
  if (!Number.isInteger(pages) || pages < 1)
    throw new UsageError(
      `--pages ${flags.pages} is not a page count`,
      "give a whole number from 1, e.g. --pages 3",
    );
  const logger = createLogger({
    level: globals.logLevel,
    sink: globals.logFormat === "json" ? jsonSink(io.stderr) : textSink(io.stderr),
  });
  const input = await readConfigInput(configPath, io);
  const source =
    input.kind === "config"
      ? restApiSource(input.config, { logger, env: io.env, cwd: io.cwd })
      : input.source;
  const block = input.kind === "config" ? input.config.pipeline : undefined;
  // Ctrl-C stops the reading; a second one ends the process at once.
  const signals = watchSignals({ onSecond: (sig) => process.exit(exitCodeForSignal(sig)) });
  let result: PreviewResult;
  try {
    result = await previewResources(source.resources, {
      ...(flags.resource === undefined ? {} : { resources: flags.resource.flatMap((r) => r.split(",")) }),
      pages,
      maxIdentifierLength: identifierLength(block?.destination),
      schemaName: block?.pipeline_name ?? "preview",
      logger,
      signal: signals.signal,
    });
  } finally {
    signals.dispose();
    await source.close?.();
  }
  io.stdout.write(
    flags.json ? `${JSON.stringify(result, jsonValue, 2)}\n` : formatPreview(input.file, result),
  );
  return result.resources.some((r) => r.error !== undefined) ? EXIT.failure : EXIT.ok;
}

function identifierLength(destination: string | undefined): number {
  try {
    return resolveDestination(destination ?? "duckdb").capabilities.maxIdentifierLength;
  } catch {
    return FALLBACK_IDENTIFIER_LENGTH;
  }
}

/** Exact integers (bigint) keep their digits in JSON. */
function jsonValue(_key: string, v: unknown): unknown {
  return typeof v === "bigint" ? v.toString() : v;
}

export function formatPreview(file: string, result: PreviewResult): string {
  const out: string[] = [`Preview of ${file}: nothing was written.`];
  for (const r of result.resources) {
    const of = r.parentRecords === undefined ? "" : ` for ${plural(r.parentRecords, "parent record")}`;
    const ended =
      r.ended === "pages" ? "stopped at the page limit" : r.ended === "end" ? "no more pages" : "failed";
    out.push(
      "",
      `${r.name}${r.parent === undefined ? "" : ` (child of ${r.parent})`}${r.selected ? "" : " (not loaded: read for its children)"}: ${plural(r.pages, "page")}, ${plural(r.records, "record")}${of}; ${ended}`,
    );
    if (r.requests.length > 0)
      out.push(
        indent(
          textTable(
            ["method", "url", "status", "time", "bytes", "records", "next"],
            r.requests.map((q) => [
              q.method,
              q.url,
              q.status === 0 ? "network" : q.status,
              formatDuration(q.durationMs),
              q.bytes,
              q.page?.records ?? "",
              q.retry !== undefined
                ? `retry in ${formatDuration(q.retry.delayMs)} (${q.retry.cause})`
                : (q.page?.next ?? ""),
            ]),
          ),
        ),
      );
    if (r.error !== undefined) {
      out.push(`  error: ${r.error.message}`);
      if (r.error.hint !== undefined) out.push(`  fix: ${r.error.hint}`);
    }
  }
  for (const t of result.tables) {
    out.push(
      "",
      `${t.name}: ${t.rows.length} of ${plural(t.rowCount, "row")}${t.parent === undefined ? "" : ` (child of ${t.parent})`}`,
    );
    const columns = Object.keys(result.schema.tables[t.name]?.columns ?? {}).filter(
      (c) => !c.startsWith("_sluice_"),
    );
    if (t.rows.length > 0 && columns.length > 0)
      out.push(
        indent(
          textTable(
            columns,
            t.rows.map((row) => columns.map((c) => cell(row[c]))),
          ),
        ),
      );
  }
  out.push("", "Schema a first run would create:");
  for (const t of result.tables) out.push("", ...schemaLines(result.schema, t.name, t.hinted));
  out.push("");
  return out.join("\n");
}

/** NULL apart from empty text, and nested values as JSON. */
function cell(v: unknown): string {
  if (v === null || v === undefined) return "NULL";
  if (v === "") return '""';
  if (typeof v === "object") return JSON.stringify(v, jsonValue);
  return String(v);
}

function schemaLines(schema: StoredSchema, name: string, hinted: readonly string[]): string[] {
  const t = schema.tables[name];
  if (t === undefined) return [];
  const columns = Object.values(t.columns);
  const own = columns.filter((c) => !c.name.startsWith("_sluice_"));
  const system = columns.filter((c) => c.name.startsWith("_sluice_")).map((c) => c.name);
  const what =
    t.parent === undefined
      ? `table of resource ${t.resource}, ${t.write_disposition}${t.merge_strategy ? ` (${t.merge_strategy})` : ""}`
      : `child table of ${t.parent}`;
  const rows = own.map((c) => {
    const notes = [
      c.primary_key ? "primary key" : "",
      c.merge_key ? "merge key" : "",
      c.variant ? "variant: values that did not fit the column" : "",
      hinted.includes(c.name) ? "hinted" : "",
    ].filter((k) => k !== "");
    const size =
      c.precision === undefined ? "" : `(${c.precision}${c.scale === undefined ? "" : `,${c.scale}`})`;
    return [c.name, c.data_type + size, c.nullable ? "yes" : "no", notes.join(", ")];
  });
  return [
    `${t.name}: ${what}`,
    indent(textTable(["column", "type", "nullable", "keys and hints"], rows)),
    `  and sluice's own columns: ${system.join(", ")}`,
  ];
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => (l === "" ? l : `  ${l}`))
    .join("\n");
}
