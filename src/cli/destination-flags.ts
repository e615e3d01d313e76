import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { resolveSecrets } from "../config/index.js";
import { MissingSecretError, SluiceError } from "../core/errors.js";
import { registerSecret, SENSITIVE_NAME } from "../core/redact.js";
import { duckdb } from "../destinations/duckdb/index.js";
import { filesystemDestination } from "../destinations/filesystem/filesystem-destination.js";
import {
  CREDENTIALS_ENV,
  describeCredentials,
  resolveCredentials,
} from "../destinations/postgres/postgres-connection.js";
import { postgresDestination } from "../destinations/postgres/postgres-destination.js";
import type { Destination } from "../destinations/types.js";
import { UsageError } from "./report-error.js";

/**
 * How to reach a pipeline's destination again, kept in its working dir by `sluice run` so `sluice
 * pipeline <name> …` finds the data without the flags. Never holds a password: for PostgreSQL it keeps
 * where the server is and who connected, and where the password came from, so it is looked up there again.
 */
export interface DestinationRecord {
  name: "duckdb" | "postgres" | "filesystem";
  /** duckdb: absolute database file. */
  path?: string;
  /** filesystem: the bucket folder or URL. */
  bucket_url?: string;
  /** postgres: the server the run connected to. */
  postgres?: PostgresRecord;
  dataset_name?: string;
}

export interface PostgresRecord {
  host: string;
  port: number;
  database: string;
  user: string;
  /** Connection URL options (sslmode, …), those whose names do not look secret. */
  options?: Record<string, string>;
  /** Where the run found the password (never the password itself). */
  password_from: PasswordSource;
}

/** Where a PostgreSQL password can come from, in the order a run looks. */
export type PasswordSource =
  | "url"
  | typeof CREDENTIALS_ENV
  | "PGPASSWORD"
  | typeof PASSWORD_ENV
  | ".sluice/secrets.toml"
  | "none";

/** dlt's spelling: `DESTINATION__POSTGRES__CREDENTIALS__PASSWORD`, or `[destination.postgres.credentials]` in secrets.toml. */
const PASSWORD_SECRET = "destination.postgres.credentials.password";
const PASSWORD_ENV = "DESTINATION__POSTGRES__CREDENTIALS__PASSWORD";

export const DESTINATION_RECORD = "cli-destination.json";

/**
 * `--destination` (a name or a URL), `--credentials` and `--bucket-url` → a destination. Names:
 * `duckdb` (credentials = database file), `postgres` (credentials = connection URL), `filesystem`
 * (bucket URL = folder). URLs: `duckdb:///path.duckdb`, `postgresql://…`, `file:///dir`.
 */
export function destinationRecordFromFlags(
  spec: string,
  flags: { credentials?: string | undefined; bucketUrl?: string | undefined },
  pipelineName: string,
  cwd: string,
): { record: DestinationRecord; credentials?: string } {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(spec)?.[1]?.toLowerCase();
  const name = scheme ?? spec.toLowerCase();
  if (name === "duckdb") {
    const path = scheme ? spec.replace(/^duckdb:\/\//i, "") : flags.credentials;
    return { record: { name: "duckdb", path: resolve(cwd, path || `${pipelineName}.duckdb`) } };
  }
  if (name === "postgres" || name === "postgresql") {
    const url = scheme ? spec : flags.credentials;
    return { record: { name: "postgres" }, ...(url ? { credentials: url } : {}) };
  }
  if (name === "filesystem" || name === "file") {
    const bucket = scheme ? spec : flags.bucketUrl;
    if (!bucket)
      throw new UsageError(
        "The filesystem destination needs a folder",
        "pass --bucket-url <dir> (or --destination file:///abs/dir)",
      );
    return { record: { name: "filesystem", bucket_url: scheme ? bucket : resolve(cwd, bucket) } };
  }
  throw new SluiceError(`Unknown destination "${scheme ? `${scheme}://…` : spec}"`, {
    code: "CONFIG_DESTINATION",
    hint: "use duckdb, postgres, filesystem, or a duckdb:///…, postgresql://… or file:///… URL",
  });
}

export function destinationFromRecord(record: DestinationRecord, credentials?: string): Destination {
  if (record.name === "duckdb") return duckdb(record.path ? { path: record.path } : {});
  if (record.name === "postgres") return postgresDestination(credentials ? { credentials } : {});
  return filesystemDestination({ bucketUrl: record.bucket_url ?? "." });
}

export function writeDestinationRecord(workingDir: string, record: DestinationRecord): void {
  mkdirSync(workingDir, { recursive: true });
  writeFileSync(join(workingDir, DESTINATION_RECORD), `${JSON.stringify(record, null, 2)}\n`);
}

export function readDestinationRecord(workingDir: string): DestinationRecord | undefined {
  const path = join(workingDir, DESTINATION_RECORD);
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, "utf8")) as DestinationRecord;
}

/**
 * The PostgreSQL server a run connects to, and the credentials to pass the destination. The password is
 * the URL's (`--credentials`, `--destination postgresql://…`, else DESTINATION__POSTGRES__CREDENTIALS),
 * else PGPASSWORD, else the secret `destination.postgres.credentials.password` (its environment variable,
 * then .sluice/secrets.toml).
 */
export function resolvePostgresRun(
  url: string | undefined,
  env: NodeJS.ProcessEnv,
  cwd: string,
): { record: PostgresRecord; credentials?: string } {
  const c = resolveCredentials(url, env);
  const used = url ?? (env[CREDENTIALS_ENV] || undefined);
  const parsed = used === undefined ? undefined : new URL(used);
  const base: Omit<PostgresRecord, "password_from"> = {
    host: c.host,
    port: c.port,
    database: c.database,
    user: c.user,
    ...(parsed === undefined ? {} : optionsOf(parsed)),
  };
  // The URL given is passed on as it is unless the password comes from the secret, which must be added.
  const given = url === undefined ? {} : { credentials: url };
  if (parsed?.password)
    return { record: { ...base, password_from: url !== undefined ? "url" : CREDENTIALS_ENV }, ...given };
  if (env.PGPASSWORD !== undefined) return { record: { ...base, password_from: "PGPASSWORD" }, ...given };
  const secret = passwordSecret(env, cwd);
  if (secret === undefined) return { record: { ...base, password_from: "none" }, ...given };
  const record: PostgresRecord = { ...base, password_from: secret.from };
  return { record, credentials: postgresUrl(record, secret.password) };
}

/**
 * Credentials to reach a recorded PostgreSQL destination again: the recorded server and user, the
 * password looked up where a run looks. Fails, naming the server and where to put the password, when the
 * run had one and none is found now (the URL the run was given is not stored: it held the password).
 */
export function postgresCredentialsFor(
  record: PostgresRecord,
  pipelineName: string,
  env: NodeJS.ProcessEnv,
  cwd: string,
): string {
  const fromEnvUrl = env[CREDENTIALS_ENV] ? resolveCredentials(env[CREDENTIALS_ENV], env) : undefined;
  const sameServer =
    fromEnvUrl !== undefined &&
    fromEnvUrl.host === record.host &&
    fromEnvUrl.port === record.port &&
    fromEnvUrl.database === record.database &&
    fromEnvUrl.user === record.user;
  const password =
    (sameServer ? fromEnvUrl.password : undefined) ?? env.PGPASSWORD ?? passwordSecret(env, cwd)?.password;
  if (password === undefined && record.password_from !== "none") {
    const where = describeCredentials({ ...record, origin: "the pipeline's last run" });
    throw new UsageError(
      `Pipeline "${pipelineName}" loads into PostgreSQL at ${where}; its last run took the password from ${record.password_from === "url" ? "the connection URL it was given" : record.password_from}, and none is there now (sluice never stores passwords)`,
      `pass --credentials postgresql://${encodeURIComponent(record.user)}:<password>@${record.host}:${record.port}/${encodeURIComponent(record.database)}, or set PGPASSWORD or ${PASSWORD_ENV}, or add [destination.postgres.credentials] password = "…" to .sluice/secrets.toml`,
    );
  }
  return postgresUrl(record, password);
}

/**
 * The PostgreSQL destination a pipeline's last run recorded. Its location needs no password; the password
 * is looked up (and its absence reported) only when a connection is made.
 */
export function recordedPostgresDestination(
  record: PostgresRecord,
  pipelineName: string,
  env: NodeJS.ProcessEnv,
  cwd: string,
): Destination {
  const described = postgresDestination({ credentials: postgresUrl(record, undefined) });
  let connecting: Destination | undefined;
  return {
    name: described.name,
    capabilities: described.capabilities,
    describeLocation: (ctx) => described.describeLocation(ctx),
    connect: (ctx) => {
      connecting ??= postgresDestination({
        credentials: postgresCredentialsFor(record, pipelineName, env, cwd),
      });
      return connecting.connect(ctx);
    },
  };
}

function passwordSecret(
  env: NodeJS.ProcessEnv,
  cwd: string,
): { password: string; from: PasswordSource } | undefined {
  let value: unknown;
  try {
    value = resolveSecrets(`\${secrets.${PASSWORD_SECRET}}`, { cwd, env });
  } catch (err) {
    if (err instanceof MissingSecretError) return undefined;
    throw err;
  }
  if (value === undefined || value === null || value === "") return undefined;
  const password = String(value);
  registerSecret(password);
  return { password, from: env[PASSWORD_ENV] ? PASSWORD_ENV : ".sluice/secrets.toml" };
}

function optionsOf(u: URL): { options?: Record<string, string> } {
  const options: Record<string, string> = {};
  for (const [k, v] of u.searchParams) if (!SENSITIVE_NAME.test(k)) options[k] = v;
  return Object.keys(options).length > 0 ? { options } : {};
}

function postgresUrl(r: PostgresRecord, password: string | undefined): string {
  const auth = `${encodeURIComponent(r.user)}${password === undefined ? "" : `:${encodeURIComponent(password)}`}`;
  const host = r.host.includes(":") ? `[${r.host}]` : r.host;
  const query = r.options ? `?${new URLSearchParams(r.options).toString()}` : "";
  return `postgresql://${auth}@${host}:${r.port}/${encodeURIComponent(r.database)}${query}`;
}
