import { resolveSecrets } from "../../config/secrets.js";
import { MissingSecretError, SluiceError } from "../../core/errors.js";
import { registerSecret, SENSITIVE_NAME } from "../../core/redact.js";
import { CREDENTIALS_ENV, describeCredentials, resolveCredentials } from "./postgres-connection.js";

/**
 * What a CLI run records of its PostgreSQL server (`cli-destination.json`, key `postgres`): where the
 * server is and who connected, and where the password came from, so it is looked up there again. Never
 * the password.
 */
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
    throw new SluiceError(
      `Pipeline "${pipelineName}" loads into PostgreSQL at ${where}; its last run took the password from ${record.password_from === "url" ? "the connection URL it was given" : record.password_from}, and none is there now (sluice never stores passwords)`,
      {
        code: "USAGE",
        hint: `pass --credentials postgresql://${encodeURIComponent(record.user)}:<password>@${record.host}:${record.port}/${encodeURIComponent(record.database)}, or set PGPASSWORD or ${PASSWORD_ENV}, or add [destination.postgres.credentials] password = "…" to .sluice/secrets.toml`,
      },
    );
  }
  return postgresUrl(record, password);
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

/** A connection URL for the recorded server, with the password when there is one. */
export function postgresUrl(r: PostgresRecord, password: string | undefined): string {
  const auth = `${encodeURIComponent(r.user)}${password === undefined ? "" : `:${encodeURIComponent(password)}`}`;
  const host = r.host.includes(":") ? `[${r.host}]` : r.host;
  const query = r.options ? `?${new URLSearchParams(r.options).toString()}` : "";
  return `postgresql://${auth}@${host}:${r.port}/${encodeURIComponent(r.database)}${query}`;
}
