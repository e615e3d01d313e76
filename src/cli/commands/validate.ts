import {
  dltDifferences,
  formatPath,
  headerIssues,
  locateIssues,
  resolveSecrets,
} from "../../config/index.js";
import { ConfigError, formatIssue, MissingSecretError } from "../../core/errors.js";
import { readConfigInput } from "../config-input.js";
import { EXIT } from "../exit-codes.js";
import type { GlobalOptions } from "../global-options.js";
import type { CliIO } from "../io.js";
import { reportError } from "../report-error.js";
import { plural } from "../text-table.js";

/**
 * `sluice validate <config>`: every problem at once (path, line, fix), exit 0 or 1. Secrets are checked
 * too, but a missing one is only a warning: CI often validates where the secrets are not.
 */
export async function validateCommand(path: string, globals: GlobalOptions, io: CliIO): Promise<number> {
  let input: Awaited<ReturnType<typeof readConfigInput>>;
  try {
    input = await readConfigInput(path, io);
  } catch (err) {
    reportError(err, io.stderr, globals.verbose);
    return EXIT.failure;
  }
  if (input.kind === "source") {
    const names = input.source.resources.map((r) => r.name);
    io.stdout.write(
      `${path}: valid (a source module: ${plural(names.length, "resource")}: ${names.join(", ")})\n`,
    );
    return EXIT.ok;
  }
  for (const w of input.warnings) io.stderr.write(`warning: ${formatIssue(w).trim().replace(/^- /, "")}\n`);
  let resolved: ReturnType<typeof resolveSecrets<typeof input.config>> | undefined;
  try {
    resolved = resolveSecrets(input.config, { cwd: io.cwd, env: io.env });
  } catch (err) {
    if (!(err instanceof MissingSecretError)) throw err;
    io.stderr.write(`warning: ${err.message}\n  (${err.hint ?? ""})\n`);
  }
  // The one check that needs secret values, as `run` makes it: a secret ending in a newline in a header.
  const late = resolved ? headerIssues(resolved) : [];
  if (late.length > 0) {
    const issues = late.map((i) => ({
      path: formatPath(i.path),
      message: i.message,
      file: input.file,
      ...(i.hint === undefined ? {} : { hint: i.hint }),
    }));
    reportError(
      new ConfigError(issues, `Invalid config in ${input.file} once secrets are filled in`),
      io.stderr,
      globals.verbose,
    );
    return EXIT.failure;
  }
  // Not problems: where the config will behave differently than under dlt, on purpose.
  for (const n of locateIssues(dltDifferences(input.config), {
    file: input.file,
    positions: input.positions,
  }))
    io.stderr.write(`note: ${formatIssue(n).trim().replace(/^- /, "")} (differs from dlt)\n`);
  const names = input.config.resources.map((r) => (typeof r === "string" ? r : r.name));
  io.stdout.write(`${path}: valid (${plural(names.length, "resource")}: ${names.join(", ")})\n`);
  return EXIT.ok;
}
