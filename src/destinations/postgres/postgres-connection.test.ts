import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { SluiceError } from "../../core/errors.js";
import { clearSecretsForTests, redact } from "../../core/redact.js";
import { openConnection, resolveCredentials } from "./postgres-connection.js";

afterEach(() => clearSecretsForTests());

describe("PostgreSQL credentials", () => {
  it("prefers the explicit URL, then DESTINATION__POSTGRES__CREDENTIALS, then PG* variables", () => {
    const env = {
      DESTINATION__POSTGRES__CREDENTIALS: "postgresql://envuser:envpass@envhost:6000/envdb",
      PGHOST: "pghost",
      PGUSER: "pguser",
      PGDATABASE: "pgdb",
    };
    const explicit = resolveCredentials("postgresql://u:p%40ss@h:5433/db", env);
    expect(explicit).toMatchObject({ host: "h", port: 5433, database: "db", user: "u", password: "p@ss" });
    expect(resolveCredentials(undefined, env)).toMatchObject({
      host: "envhost",
      port: 6000,
      database: "envdb",
    });
    const pgEnv = resolveCredentials(undefined, {
      PGHOST: "pghost",
      PGPORT: "6543",
      PGUSER: "pguser",
      PGPASSWORD: "secret-pw",
    });
    expect(pgEnv).toMatchObject({
      host: "pghost",
      port: 6543,
      database: "pguser",
      user: "pguser",
      password: "secret-pw",
    });
    expect(resolveCredentials(undefined, {})).toMatchObject({ host: "localhost", port: 5432 });
  });

  it("registers every password as a secret", () => {
    resolveCredentials("postgresql://u:hunter2-secret@h/db", {});
    resolveCredentials(undefined, { PGPASSWORD: "pg-env-secret" });
    expect(redact("hunter2-secret pg-env-secret")).toBe("*** ***");
  });

  it("rejects a URL that is not postgresql://", () => {
    expect(() => resolveCredentials("mysql://u@h/db", {})).toThrow(/postgresql:\/\//);
  });

  it("names host, port and database but never the password when it cannot connect", async () => {
    // A port that accepts nothing: bind, read the number, close.
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, "127.0.0.1", () => {
        const a = srv.address();
        srv.close(() => resolve(typeof a === "object" && a !== null ? a.port : 1));
      });
    });
    const creds = resolveCredentials(`postgresql://loader:very-secret-pw@127.0.0.1:${port}/warehouse`, {});
    const err = await openConnection(creds).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SluiceError);
    const e = err as SluiceError;
    expect(e.message).toContain(`127.0.0.1:${port}`);
    expect(e.message).toContain('database "warehouse"');
    expect(`${e.message} ${e.hint}`).not.toContain("very-secret-pw");
    expect(e.hint).toMatch(/running/);
  });
});
