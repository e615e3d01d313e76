import { redact } from "./redact.js";

/**
 * Base of every error sluice raises on purpose. `hint` is the "what to do next" line the CLI prints;
 * messages are redacted on construction so a secret cannot escape through `err.message`.
 */
export class SluiceError extends Error {
  readonly code: string;
  readonly hint: string | undefined;

  constructor(message: string, options: { code?: string; hint?: string; cause?: unknown } = {}) {
    super(redact(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? "SLUICE_ERROR";
    this.hint = options.hint === undefined ? undefined : redact(options.hint);
  }
}

/** One problem found in a config: where, what, and how to fix it. */
export interface ConfigIssue {
  /** Path in the config, e.g. `resources[2].endpoint.paginator.type`. */
  path: string;
  message: string;
  /** Source file position when the config came from a file that keeps positions (YAML, JSON, JSON5). */
  file?: string;
  line?: number;
  column?: number;
  /** The fix, e.g. `did you mean "offset"?` */
  hint?: string;
}

export class ConfigError extends SluiceError {
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[], header = "Invalid config") {
    super(`${header}:\n${issues.map(formatIssue).join("\n")}`, {
      code: "CONFIG_INVALID",
      hint: "Fix the config at the places listed above, then run `sluice validate <config>`.",
    });
    this.issues = issues;
  }
}

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.file
    ? `${issue.file}${issue.line !== undefined ? `:${issue.line}${issue.column !== undefined ? `:${issue.column}` : ""}` : ""} `
    : "";
  const hint = issue.hint ? ` (${issue.hint})` : "";
  // A syntax error has a position and no config path: the position says where.
  const path = issue.path || (issue.line === undefined ? "<root>" : "");
  return `  - ${where}${path === "" ? "" : `${path}: `}${issue.message}${hint}`;
}

/** A secret the config refers to could not be found in any place sluice looks. */
export class MissingSecretError extends SluiceError {
  readonly names: string[];
  constructor(names: string[], places: string[]) {
    super(
      `Missing secret${names.length > 1 ? "s" : ""}: ${names.join(", ")} (looked in ${places.join(" and ")})`,
      {
        code: "SECRET_MISSING",
        hint: `Set ${names.map((n) => secretEnvName(n)).join(", ")} in the environment or add ${names.length > 1 ? "them" : "it"} to .sluice/secrets.toml.`,
      },
    );
    this.names = names;
  }
}

/** Environment variable name for a secret: upper case, `.` → `__`. */
export function secretEnvName(name: string): string {
  return name.replace(/\./g, "__").toUpperCase();
}
