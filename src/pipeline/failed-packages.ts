import { SluiceError } from "../core/errors.js";
import { redact } from "../core/redact.js";
import type { PackageFailure, PackageManifest } from "./package-store.js";

/**
 * What a failed package means and what may be done with it. A failed package's state (incremental
 * cursors) was never committed, so the next extract reads its data again: dropping it loses nothing. Loading
 * it is safe only while no newer load has committed since it was extracted; afterwards its rows would be
 * loaded a second time (append) or overwrite newer ones (merge, replace) and its state would roll the
 * cursors back. The state version tells: a package commits `base + 1`, any later commit makes the
 * destination's version at least that.
 */

/** Errno codes of the local disk or OS that go away by themselves (space freed, handles closed). */
const TRANSIENT_ERRNO = new Set([
  "ENOSPC",
  "EIO",
  "EMFILE",
  "ENFILE",
  "EBUSY",
  "EAGAIN",
  "ECONNRESET",
  "ETIMEDOUT",
]);

/** The reason recorded in the manifest for a load that just failed. */
export function failureOf(err: unknown, previous: PackageFailure | undefined): PackageFailure {
  const e = err !== null && typeof err === "object" ? (err as Record<string, unknown>) : {};
  const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  const code = str(e["code"]) ?? "LOAD_FAILED";
  const hint = str(e["hint"]);
  const detail = str(e["detail"]);
  const table = str(e["table"]);
  const column = str(e["column"]);
  return {
    message: redact(err instanceof Error ? err.message : String(err)),
    code,
    ...(hint === undefined ? {} : { hint }),
    ...(detail === undefined ? {} : { detail: redact(detail) }),
    transient: e["transient"] === true || TRANSIENT_ERRNO.has(code),
    failed_at: new Date().toISOString(),
    attempts: (previous?.attempts ?? 0) + 1,
    ...(table === undefined ? {} : { table }),
    ...(column === undefined ? {} : { column }),
  };
}

/** The two commands that deal with a failed package. */
export function packageCommands(pipelineName: string, loadId: string): { retry: string; drop: string } {
  return {
    retry: `sluice pipeline ${pipelineName} packages retry ${loadId}`,
    drop: `sluice pipeline ${pipelineName} packages drop ${loadId}`,
  };
}

/** The error a run or a retry fails with: the destination's refusal, the package's new status, the fix. */
export function packageLoadError(pipelineName: string, manifest: PackageManifest, err: unknown): SluiceError {
  const failure = manifest.failure;
  const { retry, drop } = packageCommands(pipelineName, manifest.load_id);
  const attempts = failure?.attempts ?? 1;
  const own = err instanceof SluiceError ? err : undefined;
  const message =
    own?.message ?? `load of package ${manifest.load_id} failed: ${failure?.message ?? String(err)}`;
  const next = failure?.transient
    ? attempts < 2
      ? "the next run retries it once by itself"
      : "it is set aside from now on"
    : "the next run sets it aside and extracts its data again";
  return new SluiceError(
    `${message}\n  package ${manifest.load_id} is marked failed (attempt ${attempts}); ${next}`,
    {
      code: failure?.code ?? "LOAD_FAILED",
      hint: `${own?.hint ?? "Fix the cause above."} Then load it: \`${retry}\`, or discard it (its data is extracted again): \`${drop}\`.`,
      cause: err,
    },
  );
}

/** True when the next run should try this failed package once more by itself. */
export function retriesAutomatically(manifest: PackageManifest, safe: boolean): boolean {
  return manifest.failure?.transient === true && manifest.failure.attempts < 2 && safe;
}

/** The warning a run logs for a failed package it sets aside. */
export function setAsideWarning(
  pipelineName: string,
  manifest: PackageManifest,
  superseded: boolean,
): string {
  const f = manifest.failure;
  const { retry, drop } = packageCommands(pipelineName, manifest.load_id);
  const reason = f === undefined ? "unknown reason" : `${f.code}: ${f.message.split("\n")[0]}`;
  const when =
    f === undefined ? "" : ` at ${f.failed_at} after ${f.attempts} attempt${f.attempts === 1 ? "" : "s"}`;
  return superseded
    ? `package ${manifest.load_id} failed${when} (${reason}) and a newer load has committed since, so it can no longer be loaded (its data was extracted again): discard it with \`${drop}\``
    : `package ${manifest.load_id} failed${when} (${reason}); set aside, this run extracts its data again. Once the cause is fixed, load it with \`${retry}\` or discard it with \`${drop}\``;
}
