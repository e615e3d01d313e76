import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import {
  isSecretRef,
  resolveSecrets,
  SecretRef,
  secret,
  secretNamesIn,
  secrets,
  validateConfig,
} from "../../src/config/index.js";
import { ConfigError, MissingSecretError, SluiceError } from "../../src/core/errors.js";
import { clearSecretsForTests, redact } from "../../src/core/redact.js";

/** `${secrets.<name>}` as a file writes it (built, so the linter does not read it as a template). */
const ref = (name: string) => `$${"{"}secrets.${name}}`;

const root = mkdtempSync(join(tmpdir(), "sluice-config-secrets-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
beforeEach(() => clearSecretsForTests());

let n = 0;
/** A fresh working directory, with `.sluice/secrets.toml` when `toml` is given. */
function workdir(toml?: string): string {
  const dir = join(root, `w${n++}`);
  mkdirSync(join(dir, ".sluice"), { recursive: true });
  if (toml !== undefined) writeFileSync(join(dir, ".sluice", "secrets.toml"), toml);
  return dir;
}

describe("secret references in TypeScript", () => {
  it("secrets.x and secrets['x'] are lazy references that never hold a value", () => {
    const a = secrets.client_id!;
    const b = secrets["github.token"]!;
    expect(isSecretRef(a)).toBe(true);
    expect(a.name).toBe("client_id");
    expect(b.name).toBe("github.token");
    expect(secret("client_id")).toEqual(a);
    expect(Object.isFrozen(a)).toBe(true);
  });

  it("prints as its name only: String, JSON, inspect, template literals", () => {
    const r = secrets.api_token!;
    expect(String(r)).toBe(ref("api_token"));
    expect(JSON.stringify({ token: r })).toBe(`{"token":"${ref("api_token")}"}`);
    expect(inspect(r)).toBe("SecretRef(api_token)");
    // A template literal gives the file spelling, which resolves the same way.
    expect(`Bearer ${r}`).toBe(`Bearer ${ref("api_token")}`);
  });

  it("is recognised across module copies by a global brand, not instanceof", () => {
    const foreign = Object.create(null) as Record<symbol, unknown>;
    foreign[Symbol.for("sluice.SecretRef")] = true;
    expect(isSecretRef(foreign)).toBe(true);
    expect(isSecretRef({ name: "x" })).toBe(false);
    expect(new SecretRef("x")).toBeInstanceOf(SecretRef);
  });
});

describe("resolveSecrets", () => {
  const config = {
    client: {
      base_url: "https://api.example.com",
      headers: { "X-Team": `team-${ref("team.id")}` },
      auth: {
        type: "oauth2",
        client_id: secrets.client_id,
        client_secret: ref("client_secret"),
        token_url: "https://t",
      },
    },
    resources: [{ name: "a", endpoint: { headers: { Authorization: `Bearer ${ref("api_token")}` } } }],
  };

  it("finds names in refs and strings, in first-seen order, once each", () => {
    expect(secretNamesIn(config)).toEqual(["team.id", "client_id", "client_secret", "api_token"]);
  });

  it("reads the environment first (upper case, . → __), then .sluice/secrets.toml with nested tables", () => {
    const cwd = workdir(
      ['client_id = "from-file-id"', 'client_secret = "file-secret-1"', "[team]", "id = 42", ""].join("\n"),
    );
    const env = { CLIENT_ID: "env-client-id", API_TOKEN: "env-token-9", TEAM__ID: "" };
    const resolved = resolveSecrets(config, { cwd, env });
    expect(resolved.client.auth.client_id).toBe("env-client-id");
    expect(resolved.client.auth.client_secret).toBe("file-secret-1");
    expect(resolved.client.headers["X-Team"]).toBe("team-42");
    expect(resolved.resources[0]!.endpoint.headers.Authorization).toBe("Bearer env-token-9");
    // The input is untouched and still holds references only.
    expect(isSecretRef(config.client.auth.client_id)).toBe(true);
    expect(config.resources[0]!.endpoint.headers.Authorization).toBe(`Bearer ${ref("api_token")}`);
  });

  it("never writes to its input, even a frozen one", () => {
    const frozen = structuredClone({ a: { b: [ref("x"), "plain"] } });
    const freeze = (v: unknown): void => {
      if (typeof v === "object" && v !== null) {
        Object.freeze(v);
        for (const x of Object.values(v)) freeze(x);
      }
    };
    freeze(frozen);
    expect(resolveSecrets(frozen, { cwd: workdir(), env: { X: "value-x1" } })).toEqual({
      a: { b: ["value-x1", "plain"] },
    });
    expect(frozen.a.b[0]).toBe(ref("x"));
  });

  it("registers every value it resolves, so logs and errors mask it", () => {
    const cwd = workdir('client_secret = "file-secret-2"\n[team]\nid = "team-secret-7"\n');
    resolveSecrets(config, { cwd, env: { CLIENT_ID: "env-client-id-2", API_TOKEN: "env-token-2" } });
    expect(redact("a env-client-id-2 b file-secret-2 c team-secret-7 d env-token-2")).toBe(
      "a *** b *** c *** d ***",
    );
    const err = new SluiceError("request failed with token env-token-2");
    expect(err.message).not.toContain("env-token-2");
  });

  it("lists every missing secret in one error naming both places", () => {
    const cwd = workdir('client_secret = "present"\n');
    let caught: unknown;
    try {
      resolveSecrets(config, { cwd, env: {} });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(MissingSecretError);
    const err = caught as MissingSecretError;
    expect(err.names).toEqual(["team.id", "client_id", "api_token"]);
    expect(err.message).toContain("TEAM__ID, CLIENT_ID, API_TOKEN");
    expect(err.message).toContain(join(cwd, ".sluice", "secrets.toml"));
    expect(err.hint).toContain("TEAM__ID");
  });

  it("works with no secrets file at all", () => {
    const cwd = join(root, "nofile");
    mkdirSync(cwd, { recursive: true });
    expect(() => resolveSecrets({ a: ref("x") }, { cwd, env: {} })).toThrow(/Missing secret: x/);
    expect(resolveSecrets({ a: ref("x") }, { cwd, env: { X: "value-x" } })).toEqual({ a: "value-x" });
  });

  it("a broken secrets file is reported without quoting its content", () => {
    const cwd = workdir('token = "leaky-value\nbroken');
    let caught: unknown;
    try {
      resolveSecrets({ a: ref("token") }, { cwd, env: {} });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SluiceError);
    expect((caught as Error).message).toContain("secrets.toml");
    expect((caught as Error).message).not.toContain("leaky-value");
  });

  it("does not read the file when the environment has everything", () => {
    const cwd = workdir("this is = not [valid toml");
    expect(resolveSecrets({ a: ref("x") }, { cwd, env: { X: "value-x" } })).toEqual({ a: "value-x" });
  });

  it("a whole-value placeholder keeps a TOML value's type; inside a string it is text", () => {
    const cwd = workdir('port = 5432\n[creds]\nuser = "u"\n');
    const out = resolveSecrets({ n: ref("port"), s: `p=${ref("port")}`, c: ref("creds") }, { cwd, env: {} });
    expect(out).toEqual({ n: 5432, s: "p=5432", c: { user: "u" } });
  });

  it("leaves functions and non-plain objects alone", () => {
    const fn = (x: unknown) => x;
    const date = new Date(0);
    const out = resolveSecrets({ fn, date, list: [ref("k"), 1] }, { cwd: workdir(), env: { K: "value-k" } });
    expect(out.fn).toBe(fn);
    expect(out.date).toBe(date);
    expect(out.list).toEqual(["value-k", 1]);
  });
});

describe("secret values never reach config errors", () => {
  it("a resolved config that fails validation does not print the secret", () => {
    const cwd = workdir('api_key = "super-secret-key-123"\n');
    const resolved = resolveSecrets(
      {
        client: {
          base_url: "https://x.example",
          auth: { type: "api_key", api_key: ref("api_key"), location: "body" },
        },
        resources: ["a"],
        extra: ref("api_key"),
      },
      { cwd, env: {} },
    );
    let caught: unknown;
    try {
      validateConfig(resolved);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const err = caught as ConfigError;
    expect(err.issues.length).toBeGreaterThanOrEqual(2);
    expect(err.message).not.toContain("super-secret-key-123");
    expect(JSON.stringify(err.issues)).not.toContain("super-secret-key-123");
  });

  it("an unresolved config shows references, not values", () => {
    expect(() =>
      validateConfig({
        client: {
          base_url: "https://x.example",
          auth: { type: "http_basic", username: secrets.u, password: 5 },
        },
        resources: ["a"],
      }),
    ).toThrow(/client\.auth\.password: expected a string, got number 5/);
  });
});
