import type { PackageManifest, Pipeline } from "../../pipeline/index.js";
import { EXIT } from "../exit-codes.js";
import { UsageError } from "../report-error.js";
import { formatCount } from "../text-table.js";

export interface PackagesFlags {
  json?: boolean;
  allFailed?: boolean;
}

/**
 * `sluice pipeline <name> packages [retry <load_id> | drop <load_id…> | drop --all-failed]`: the packages
 * extracted but not loaded, and what to do with them (dlt: `load-package`, `failed-jobs`,
 * `drop-pending-packages`).
 */
export async function packagesCommand(
  p: Pipeline,
  targets: string[],
  flags: PackagesFlags,
  out: (s: string) => void,
): Promise<number> {
  const [sub, ...ids] = targets;
  const name = p.pipelineName;
  if (sub === undefined || sub === "list") return list(p, flags, out);
  if (sub === "retry") {
    if (ids.length !== 1)
      throw new UsageError(
        "Name one package to retry",
        `sluice pipeline ${name} packages retry <load_id>; \`sluice pipeline ${name} packages\` lists them`,
      );
    const loadId = ids[0] ?? "";
    requireKnown(p, [loadId]);
    const result = await p.retryPackage(loadId);
    const rows = Object.entries(result.rowCounts);
    const total = rows.reduce((n, [, r]) => n + r, 0);
    out(
      result.committed
        ? `Loaded package ${loadId}: ${formatCount(total)} row${total === 1 ? "" : "s"}${rows.length > 0 ? ` (${rows.map(([t, n]) => `${t} ${formatCount(n)}`).join(", ")})` : ""} into ${p.destination.name} ${p.destinationLocation}.\n`
        : `Package ${loadId} was already committed to the destination; marked loaded, nothing loaded twice.\n`,
    );
    return EXIT.ok;
  }
  if (sub === "drop") {
    if (ids.length === 0 && flags.allFailed !== true)
      throw new UsageError(
        "Name the packages to drop, or pass --all-failed",
        `sluice pipeline ${name} packages drop <load_id…> | --all-failed; \`sluice pipeline ${name} packages\` lists them`,
      );
    if (ids.length > 0) requireKnown(p, ids);
    const dropped = p.dropPackages(ids.length > 0 ? { loadIds: ids } : { allFailed: true });
    if (dropped.length === 0) {
      out(`Pipeline ${name} has no failed packages: nothing dropped.\n`);
      return EXIT.ok;
    }
    for (const m of dropped) out(`Dropped package ${m.load_id} (${m.status}, ${tablesText(m)}).\n`);
    out(
      `Nothing of ${dropped.length === 1 ? "it" : "them"} was committed, state included: the next \`sluice run\` extracts that data again.\n`,
    );
    return EXIT.ok;
  }
  throw new UsageError(
    `Unknown packages action "${sub}"`,
    `use: sluice pipeline ${name} packages [retry <load_id> | drop <load_id…> | drop --all-failed]`,
  );
}

function list(p: Pipeline, flags: PackagesFlags, out: (s: string) => void): number {
  const name = p.pipelineName;
  const pending = p.pendingPackages();
  if (flags.json) {
    out(
      `${JSON.stringify(
        {
          pipeline: name,
          packages: pending.map(({ manifest: m, loadable }) => ({
            load_id: m.load_id,
            status: m.status,
            created_at: m.created_at,
            tables: Object.fromEntries((m.tables ?? []).map((t) => [t.table, t.rowCount])),
            loadable,
            ...(m.failure === undefined ? {} : { failure: m.failure }),
          })),
        },
        null,
        2,
      )}\n`,
    );
    return EXIT.ok;
  }
  if (pending.length === 0) {
    out(`Pipeline ${name} has no pending or failed packages: everything extracted has been loaded.\n`);
    return EXIT.ok;
  }
  const lines = [`Packages of ${name} not loaded (${pending.length}), oldest first:`];
  for (const { manifest: m, loadable } of pending) {
    lines.push("", `${m.load_id}  ${m.status}${statusNote(m, loadable)}`);
    lines.push(`  created: ${m.created_at || "(unknown)"}`);
    lines.push(`  tables:  ${tablesText(m)}`);
    const f = m.failure;
    if (f !== undefined) {
      const [head, ...rest] = f.message.split("\n");
      lines.push(
        `  failed:  ${f.failed_at}, attempt ${f.attempts}, ${f.transient ? "transient (connection, disk, lock)" : "refused by the destination"}`,
      );
      lines.push(`  reason:  ${f.code}: ${head ?? ""}`, ...rest.map((l) => `         ${l}`));
      if (f.hint !== undefined) lines.push(`  fix:     ${f.hint}`);
    }
  }
  const loadable = pending.filter((x) => x.manifest.status === "failed" && x.loadable);
  if (loadable.length > 1)
    lines.push(
      "",
      `The ${loadable.length} loadable failed packages were extracted from the same committed state and hold the same data: load one (the newest has the freshest); the others are then superseded.`,
    );
  lines.push(
    "",
    `Load one: sluice pipeline ${name} packages retry <load_id>`,
    `Discard:  sluice pipeline ${name} packages drop <load_id>   (or: drop --all-failed)`,
    "",
  );
  out(lines.join("\n"));
  return EXIT.ok;
}

function statusNote(m: PackageManifest, loadable: boolean): string {
  if (m.status === "new") return " (extraction never finished: the next run discards it)";
  if (m.status === "normalized") return " (the next run loads it first)";
  return loadable
    ? " (set aside: can be retried)"
    : " (superseded: a newer load has committed since; drop it)";
}

function tablesText(m: PackageManifest): string {
  const tables = (m.tables ?? []).filter((t) => t.rowCount > 0);
  if (tables.length === 0) return "no rows";
  return tables.map((t) => `${t.table} ${formatCount(t.rowCount)}`).join(", ");
}

/** Unknown or already loaded load ids are a usage problem (exit 2), named with the ids there are. */
function requireKnown(p: Pipeline, ids: readonly string[]): void {
  const pending = new Set(p.pendingPackages().map((x) => x.manifest.load_id));
  const unknown = ids.filter((id) => !pending.has(id));
  if (unknown.length === 0) return;
  const loaded = new Set(
    p
      .listPackages()
      .filter((m) => m.status === "loaded")
      .map((m) => m.load_id),
  );
  const already = unknown.filter((id) => loaded.has(id));
  throw new UsageError(
    already.length === unknown.length
      ? `Package${already.length > 1 ? "s" : ""} ${already.join(", ")} of pipeline "${p.pipelineName}" ${already.length > 1 ? "are" : "is"} already loaded`
      : `Pipeline "${p.pipelineName}" has no package ${unknown.join(", ")}`,
    `packages not loaded: ${[...pending].join(", ") || "(none)"} (sluice pipeline ${p.pipelineName} packages)`,
  );
}
