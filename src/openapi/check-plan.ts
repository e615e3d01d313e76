import { SYSTEM_PREFIX } from "../core/system-names.js";
import { type PreviewResult, previewResources } from "../pipeline/preview.js";
import { restApiSource } from "../sources/rest_api/index.js";
import type { Plan, PlannedResource } from "./plan-resources.js";
import { configObject } from "./render-config.js";

/** What the first pages of one generated resource showed, and what was rewritten. */
export interface ResourceCheck {
  name: string;
  status: "ok" | "rewritten" | "failed";
  pages: number;
  records: number;
  findings: string[];
}

/**
 * Reads the first pages of every generated resource (sluice preview: nothing written) and compares them
 * with what was detected: records found where the selector points, the paginator going on or ending as
 * expected, the key present and unique. What the responses prove wrong is rewritten in the plan: a
 * selector that missed takes the list the response does have, a key the records lack is dropped.
 */
export async function checkPlan(
  plan: Plan,
  options: { env: NodeJS.ProcessEnv; cwd: string; pages?: number; signal?: AbortSignal },
): Promise<ResourceCheck[]> {
  const source = restApiSource(configObject(plan) as never, {
    name: "openapi_check",
    env: options.env,
    cwd: options.cwd,
  });
  let result: PreviewResult;
  try {
    result = await previewResources(source.resources, {
      pages: options.pages ?? 2,
      maxIdentifierLength: 63,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  } finally {
    await source.close();
  }
  return plan.resources.map((r) => checkOne(r, result));
}

function checkOne(r: PlannedResource, result: PreviewResult): ResourceCheck {
  const seen = result.resources.find((x) => x.name === r.name);
  const check: ResourceCheck = {
    name: r.name,
    status: "ok",
    pages: seen?.pages ?? 0,
    records: seen?.records ?? 0,
    findings: [],
  };
  const endpoint = r.resource["endpoint"] as Record<string, unknown>;
  if (seen === undefined) return { ...check, status: "failed", findings: ["not read (its parent failed)"] };
  if (seen.ended === "error") {
    const candidate = seen.error?.candidates?.find((c) => c.items === "objects");
    if (seen.error?.code === "DATA_SELECTOR_MISSED" && candidate !== undefined) {
      endpoint["data_selector"] = candidate.path;
      r.notes.push(
        `--check: the selector missed; the response's list of objects is at ${candidate.path} (rewritten)`,
      );
      return { ...check, status: "rewritten", findings: [`data_selector → ${candidate.path}`] };
    }
    return {
      ...check,
      status: "failed",
      findings: [seen.error?.message ?? "failed", ...(seen.error?.hint ? [seen.error.hint] : [])],
    };
  }
  const pagination = String(
    (endpoint["paginator"] as Record<string, unknown> | undefined)?.["type"] ?? "auto",
  );
  if (seen.records === 0)
    check.findings.push(
      "no records on the first page: an empty list, or a selector that points at the wrong list",
    );
  else check.findings.push(`${seen.records} records from ${seen.pages} page${seen.pages === 1 ? "" : "s"}`);
  if (seen.ended === "pages")
    check.findings.push(`${pagination}: more pages after the first ${seen.pages}, as expected`);
  else if (pagination !== "single_page")
    check.findings.push(
      `${pagination}: ended after ${seen.pages} page${seen.pages === 1 ? "" : "s"} (all there is, or a paginator that stops early)`,
    );
  const key = r.resource["primary_key"];
  const table = result.tables.find((t) => t.resource === r.name && t.parent === undefined);
  if (typeof key === "string" && table !== undefined && table.rows.length > 0) {
    const column = Object.keys(table.rows[0] ?? {}).find(
      (c) => !c.startsWith(SYSTEM_PREFIX) && normalizedEq(c, key),
    );
    const values = table.rows.map((row) => (column === undefined ? undefined : row[column]));
    if (column === undefined || values.some((v) => v === null || v === undefined)) {
      delete r.resource["primary_key"];
      delete r.resource["write_disposition"];
      r.notes.push(`--check: records lack ${key}: primary key dropped (append)`);
      check.status = "rewritten";
      check.findings.push(`primary_key ${key} missing from records: dropped`);
    } else if (new Set(values.map(String)).size < values.length) {
      check.findings.push(`primary_key ${key} repeats within the first page: check it is the record's key`);
    } else check.findings.push(`primary_key ${key} present and unique`);
  }
  if (check.status === "ok") r.notes.push(`--check: ${check.findings.join("; ")}`);
  return check;
}

function normalizedEq(column: string, key: string): boolean {
  return (
    column ===
    key
      .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
      .replace(/[^A-Za-z0-9]+/g, "_")
      .toLowerCase()
  );
}
