import pg from "pg";
import { SluiceError } from "../../core/errors.js";
import { registerSecret } from "../../core/redact.js";

/** Where credentials may come from, most specific first. */
export const CREDENTIALS_ENV = "DESTINATION__POSTGRES__CREDENTIALS";

export interface PostgresCredentials {
  host: string;
  port: number;
  database: string;
  user: string;
  password?: string;
  /** Extra libpq-style options carried by a URL (e.g. sslmode); passed through to `pg`. */
  connectionString?: string;
  /** Where these came from, for error messages. */
  origin: string;
}

/**
 * Resolves credentials: an explicit `postgresql://` URL, then `DESTINATION__POSTGRES__CREDENTIALS`, then
 * libpq's `PG*` variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE) with libpq's defaults.
 * Every password found is registered as a secret so it cannot reach logs or errors.
 */
export function resolveCredentials(
  explicit: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): PostgresCredentials {
  const url = explicit ?? env[CREDENTIALS_ENV];
  const origin =
    explicit !== undefined ? "--credentials" : url !== undefined ? CREDENTIALS_ENV : "PG* variables";
  const osUser = env.USER ?? env.LOGNAME ?? "postgres";
  if (url !== undefined && url !== "") {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new SluiceError(`PostgreSQL credentials from ${origin} are not a valid URL`, {
        code: "DESTINATION_CREDENTIALS",
        hint: "Use the form postgresql://user:password@host:5432/database",
      });
    }
    if (u.protocol !== "postgresql:" && u.protocol !== "postgres:") {
      throw new SluiceError(`PostgreSQL credentials from ${origin} must start with postgresql://`, {
        code: "DESTINATION_CREDENTIALS",
        hint: "Use the form postgresql://user:password@host:5432/database",
      });
    }
    const password = u.password ? decodeURIComponent(u.password) : env.PGPASSWORD;
    registerSecret(password);
    registerSecret(u.password);
    const user = u.username ? decodeURIComponent(u.username) : (env.PGUSER ?? osUser);
    const creds: PostgresCredentials = {
      host: u.hostname ? decodeURIComponent(u.hostname) : (env.PGHOST ?? "localhost"),
      port: u.port ? Number(u.port) : Number(env.PGPORT ?? 5432),
      database: u.pathname.length > 1 ? decodeURIComponent(u.pathname.slice(1)) : (env.PGDATABASE ?? user),
      user,
      connectionString: url,
      origin,
    };
    if (password !== undefined) creds.password = password;
    return creds;
  }
  const user = env.PGUSER ?? osUser;
  registerSecret(env.PGPASSWORD);
  const creds: PostgresCredentials = {
    host: env.PGHOST ?? "localhost",
    port: Number(env.PGPORT ?? 5432),
    database: env.PGDATABASE ?? user,
    user,
    origin,
  };
  if (env.PGPASSWORD !== undefined) creds.password = env.PGPASSWORD;
  return creds;
}

/** `host:port/database as user`, never the password. */
export function describeCredentials(c: PostgresCredentials): string {
  return `${c.host}:${c.port}/${c.database} as ${c.user}`;
}

function clientConfig(c: PostgresCredentials): pg.ClientConfig {
  const cfg: pg.ClientConfig = c.connectionString
    ? { connectionString: c.connectionString }
    : { host: c.host, port: c.port, database: c.database, user: c.user };
  if (c.password !== undefined) cfg.password = c.password;
  // A dead server must not hang a run: fail fast, the error says what to check.
  cfg.connectionTimeoutMillis = 15_000;
  cfg.application_name = "sluice";
  cfg.types = { getTypeParser: typeParser as typeof pg.types.getTypeParser };
  return cfg;
}

// int8 (bigint, count(*)) arrives as a string by default; numbers are what the other destinations return.
const INT8_OID = 20;
function parseInt8(value: string): number | string {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value;
}
function typeParser(oid: number, format?: "text" | "binary") {
  if (oid === INT8_OID && format !== "binary") return parseInt8;
  return pg.types.getTypeParser(oid, format ?? "text");
}

interface PgError {
  code?: string;
  message?: string;
}

export function connectionError(c: PostgresCredentials, err: unknown): SluiceError {
  const e = (err ?? {}) as PgError;
  const where = `PostgreSQL at ${c.host}:${c.port}, database "${c.database}", user "${c.user}"`;
  let check: string;
  switch (e.code) {
    case "ECONNREFUSED":
      check = `Nothing is listening on ${c.host}:${c.port}: check that PostgreSQL is running and the host and port are right`;
      break;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      check = `The host name "${c.host}" does not resolve: check the host in the credentials`;
      break;
    case "28P01":
    case "28000":
      check = `Check the user name and password (${c.origin}; PGUSER/PGPASSWORD) and pg_hba.conf`;
      break;
    case "3D000":
      check = `Database "${c.database}" does not exist: create it (createdb) or fix the database name`;
      break;
    default:
      check = `Check that PostgreSQL is running on ${c.host}:${c.port}, that database "${c.database}" exists and the credentials (${c.origin}) are right`;
  }
  return new SluiceError(`Cannot connect to ${where}: ${e.message ?? String(err)}`, {
    code: "DESTINATION_CONNECT",
    hint: `${check}.`,
    cause: err,
  });
}

/** Opens one connection (a package loads in one transaction on one connection). */
export async function openConnection(c: PostgresCredentials): Promise<pg.Client> {
  const client = new pg.Client(clientConfig(c));
  // An idle connection dropped by the server must surface as a query error, not crash the process.
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => {});
    throw connectionError(c, err);
  }
  return client;
}

/** Runs `fn` in one transaction; rolls back on any error. */
export async function inTransaction<T>(client: pg.Client, fn: () => Promise<T>): Promise<T> {
  await client.query("BEGIN");
  try {
    const out = await fn();
    await client.query("COMMIT");
    return out;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  }
}
