import { existsSync, writeFileSync } from "node:fs";
import { extname, relative, resolve } from "node:path";
import { checkConfig } from "../../config/validate.js";
import { SluiceError } from "../../core/errors.js";
import { checkPlan, type ResourceCheck } from "../../openapi/check-plan.js";
import { type ConfigFormat, configObject, generateFromOpenApi, renderConfig } from "../../openapi/index.js";
import { EXIT } from "../exit-codes.js";
import type { CliIO } from "../io.js";
import { UsageError } from "../report-error.js";
import { textTable } from "../text-table.js";
import { protectProject } from "./init.js";

export interface InitOpenApiFlags {
  tags?: string;
  paths?: string;
  out?: string;
  format?: string;
  force?: boolean;
  check?: boolean;
}

/**
 * `sluice init --openapi <spec>`: a commented config from an OpenAPI 3.0/3.1 or Swagger 2.0 spec (one
 * resource per list-returning GET), its secrets template and the .gitignore lines; with `--check`, the
 * first pages of every resource are read and what they prove wrong is rewritten.
 */
export async function initOpenApiCommand(spec: string, flags: InitOpenApiFlags, io: CliIO): Promise<number> {
  const format: ConfigFormat = /\.json$/i.test(flags.out ?? "") || flags.format === "json" ? "json" : "yaml";
  if (flags.format !== undefined && flags.format !== "yaml" && flags.format !== "json")
    throw new UsageError(
      `--format ${flags.format} is not written from a spec`,
      "use yaml (with the findings as comments) or json",
    );
  const out = resolve(io.cwd, flags.out ?? `${stemOf(spec)}.${format === "json" ? "json" : "yaml"}`);
  if (existsSync(out) && !flags.force && !flags.check)
    throw new UsageError(`${relative(io.cwd, out)} already exists`, "pick another --out or pass --force");
  const list = (s: string | undefined) =>
    s
      ?.split(",")
      .map((x) => x.trim())
      .filter((x) => x !== "");
  const tags = list(flags.tags);
  const paths = list(flags.paths);
  const generated = await generateFromOpenApi(spec, {
    cwd: io.cwd,
    format,
    selection: { ...(tags ? { tags } : {}), ...(paths ? { paths } : {}) },
  }).catch((err: unknown) => {
    // A spec that cannot be read is a command that cannot start (exit 2), like a config that cannot.
    if (err instanceof SluiceError && err.code.startsWith("OPENAPI_"))
      throw new UsageError(err.message, err.hint ?? "pass an OpenAPI 3.x or Swagger 2.0 document");
    throw err;
  });
  const { plan } = generated;
  if (plan.resources.length === 0) {
    const reasons = plan.skipped
      .slice(0, 8)
      .map((s) => `${s.operation.method} ${s.operation.path}: ${s.why}`);
    throw new UsageError(
      `No resource to generate from ${spec}: no GET endpoint ${tags || paths ? "selected by --tags/--paths " : ""}returns a list of objects`,
      reasons.length > 0 ? `what the spec has: ${reasons.join("; ")}` : "the spec has no GET endpoints",
    );
  }
  const created = [relative(io.cwd, out)];
  created.push(...protectProject(io, generated.secrets));
  let checks: ResourceCheck[] | undefined;
  if (flags.check) checks = await checkPlan(plan, { env: io.env, cwd: io.cwd });
  const text = checks === undefined ? generated.text : renderConfig(plan, format, spec);
  writeFileSync(out, text);
  const verdict = checkConfig(configObject(plan), { file: relative(io.cwd, out) });
  const file = relative(io.cwd, out);
  const lines = [
    `Created ${created.join(", ")} from "${plan.title}": ${plan.resources.length} resource${plan.resources.length === 1 ? "" : "s"}${plan.skipped.length > 0 ? `, ${plan.skipped.length} endpoint${plan.skipped.length === 1 ? "" : "s"} listed as not generated` : ""}.`,
    "",
    textTable(
      ["resource", "endpoint", "paginator", "key", "confidence", ...(checks ? ["check"] : [])],
      plan.resources.map((r, i) => {
        const endpoint = r.resource["endpoint"] as Record<string, unknown>;
        const paginator = (endpoint["paginator"] as Record<string, unknown>)["type"];
        return [
          r.name,
          `${r.operation.method} ${r.operation.path}`,
          String(paginator),
          String(r.resource["primary_key"] ?? ""),
          r.confidence,
          ...(checks ? [`${checks[i]?.status}: ${checks[i]?.findings.join("; ")}`] : []),
        ];
      }),
    ),
    "",
  ];
  if (verdict.errors.length > 0)
    lines.push(
      `The config needs editing before it validates (${verdict.errors.length} problem${verdict.errors.length === 1 ? "" : "s"}):`,
      ...verdict.errors.map((e) => `  ${e.message}${e.hint ? ` (${e.hint})` : ""}`),
      "",
    );
  lines.push(
    "Next steps:",
    `  1. Read ${file}: each resource says what was detected and how sure it is.`,
    `  2. Put the secrets in .sluice/secrets.toml (${plan.auth.secrets.join(", ") || "none needed"}).`,
    `  3. npx sluice init --openapi ${spec} --check --out ${file}   (reads the first pages; rewrites what they prove wrong)`,
    `  4. npx sluice run ${file}`,
    "",
  );
  io.stdout.write(lines.join("\n"));
  const failed = checks?.some((c) => c.status === "failed") ?? false;
  return verdict.errors.length > 0 || failed ? EXIT.failure : EXIT.ok;
}

function stemOf(spec: string): string {
  const last =
    spec
      .split(/[\\/]/)
      .filter((s) => s !== "")
      .at(-1) ?? "api";
  const stem = last.slice(0, last.length - extname(last).length).replace(/[^A-Za-z0-9_-]+/g, "_");
  return /^[A-Za-z]/.test(stem) ? stem : `api_${stem}`;
}
