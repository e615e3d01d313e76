import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { buildJsonSchema } from "../../src/config/json-schema.js";
import { checkConfig } from "../../src/config/validate.js";
import { redact } from "../../src/core/redact.js";
import {
  type Authenticator,
  BasePaginator,
  configObject,
  type PreparedRequest,
  RestClient,
  registerAuth,
  registerPaginator,
  restApiSource,
  stringOrSecret,
} from "../../src/index.js";
import { REPO, runCli, tempDir } from "../support/demo-cli.js";
import { sendJson, startHttpServer, type TestServer } from "../support/http-server.js";

/** Sends `?token=<prefix><n>` with the n-th page: a paginator no built-in type is. */
class CountingTokenPaginator extends BasePaginator {
  readonly type = "counting_token";
  private n = 1;

  constructor(
    private readonly prefix: string,
    private readonly pages: number,
  ) {
    super();
  }

  override init(request: PreparedRequest): void {
    request.params["token"] = `${this.prefix}${this.n}`;
  }

  update(): void {
    if (this.n >= this.pages) this.stop("last page");
    this.n++;
  }

  next(request: PreparedRequest): void {
    request.params["token"] = `${this.prefix}${this.n}`;
  }
}

registerPaginator("counting_token", {
  schema: configObject({
    type: z.literal("counting_token"),
    prefix: z.string().optional(),
    pages: z.number().int().positive(),
    maximum_pages: z.number().int().positive().optional(),
  }),
  create: (options) => new CountingTokenPaginator(options.prefix ?? "t", options.pages),
});

/** A signature header: the secret goes in `X-Signature`, as no built-in auth type sends it. */
class SignatureAuth implements Authenticator {
  readonly type = "signature";
  constructor(private readonly key: string) {}
  apply(target: { headers: Record<string, string> }): void {
    target.headers["x-signature"] = `sig:${this.key}`;
  }
}

registerAuth("signature", {
  schema: configObject({ type: z.literal("signature"), key: stringOrSecret() }),
  secrets: ["key"],
  create: (options) => new SignatureAuth(options.key),
});

const client = { base_url: "https://api.example.com" };
const withPaginator = (paginator: unknown) => ({
  client,
  resources: [{ name: "items", endpoint: { path: "items", paginator } }],
});
const errorsOf = (config: unknown) => checkConfig(config).errors.map((e) => `${e.path}: ${e.message}`);

describe("registered paginator and auth types validate as built-ins do", () => {
  it("accepts a registered type's options, in the object form and by name", () => {
    expect(errorsOf(withPaginator({ type: "counting_token", pages: 3 }))).toEqual([]);
    expect(
      errorsOf({ client: { ...client, paginator: { type: "counting_token", pages: 2 } }, resources: ["a"] }),
    ).toEqual([]);
    expect(
      errorsOf({ client: { ...client, auth: { type: "signature", key: "k" } }, resources: ["a"] }),
    ).toEqual([]);
  });

  it("checks them with the registration's own schema", () => {
    expect(errorsOf(withPaginator({ type: "counting_token", pages: 0 }))).toEqual([
      "resources[0].endpoint.paginator.pages: number 0 is too small: must be > 0",
    ]);
    expect(errorsOf(withPaginator({ type: "counting_token" }))).toEqual([
      "resources[0].endpoint.paginator.pages: required key is missing",
    ]);
    expect(errorsOf(withPaginator("counting_token"))).toEqual([
      "resources[0].endpoint.paginator.pages: required key is missing",
    ]);
    const typo = checkConfig(withPaginator({ type: "counting_token", pages: 1, prefx: "p" })).errors;
    expect(typo.map((e) => [e.path, e.message, e.hint])).toEqual([
      ["resources[0].endpoint.paginator.prefx", 'unknown key "prefx"', 'did you mean "prefix"?'],
    ]);
    expect(errorsOf({ client: { ...client, auth: { type: "signature" } }, resources: ["a"] })).toEqual([
      "client.auth.key: required key is missing",
    ]);
  });

  it("a type nobody registered is still refused with the nearest name", () => {
    const [issue] = checkConfig(withPaginator({ type: "counting_tokens", pages: 1 })).errors;
    expect(issue).toMatchObject({
      path: "resources[0].endpoint.paginator.type",
      hint: 'did you mean "counting_token"?',
    });
  });

  it("the JSON Schema still lists the built-in types only", () => {
    const text = JSON.stringify(buildJsonSchema());
    expect(text).not.toContain("counting_token");
    expect(text).not.toContain("signature");
    expect(text).toContain('"header_cursor"');
  });

  it("a built-in type cannot be replaced", () => {
    expect(() =>
      registerPaginator("offset", { schema: z.object({}), create: () => new CountingTokenPaginator("", 1) }),
    ).toThrow(/paginator type "offset" is built in/);
  });
});

describe("registered types at run time", () => {
  let api: TestServer;
  beforeAll(async () => {
    api = await startHttpServer((req, res) => sendJson(res, { data: [{ token: req.query.get("token") }] }));
  });
  afterAll(() => api.close());

  it("the client pages with a registered paginator and signs with a registered auth", async () => {
    const rest = new RestClient({ base_url: api.url, auth: { type: "signature", key: "sig-key-31337" } });
    const tokens: unknown[] = [];
    for await (const page of rest.paginate(
      { path: "/items" },
      { paginator: { type: "counting_token", prefix: "p", pages: 3 }, data_selector: "data" },
    ))
      tokens.push(page.records[0]!.token);
    await rest.close();
    expect(tokens).toEqual(["p1", "p2", "p3"]);
    expect(api.requests.map((r) => r.headers["x-signature"])).toEqual(Array(3).fill("sig:sig-key-31337"));
  });

  it("a source masks a registered auth's secrets from the start", () => {
    const source = restApiSource({
      client: { base_url: api.url, auth: { type: "signature", key: "masked-key-4242" } },
      resources: ["items"],
    });
    expect(redact("the key is masked-key-4242")).not.toContain("masked-key-4242");
    return source.close();
  });
});

describe("a TypeScript config registers its own paginator", () => {
  const fixture = join(REPO, "test/http/fixtures/every-other-page.config.ts");
  let api: TestServer;
  const scratch = tempDir("registered-paginator");
  beforeAll(async () => {
    api = await startHttpServer((req, res) => {
      const page = Number(req.query.get("page"));
      sendJson(res, { data: page <= 5 ? [{ page }] : [] });
    });
  });
  afterAll(async () => {
    await api.close();
    scratch.remove();
  });

  it("sluice validate accepts it and checks its options with its schema", async () => {
    const ok = await runCli(["validate", fixture], { cwd: scratch.dir });
    expect(ok.code, ok.stderr).toBe(0);
    const bad = await runCli(["validate", fixture], { cwd: scratch.dir, env: { FIRST_PAGE: "0" } });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/client\.paginator\.first: number 0 is too small: must be > 0/);
  }, 60_000);

  it("sluice run pages with it", async () => {
    const run = await runCli(["run", fixture], {
      cwd: scratch.dir,
      env: { API_URL: api.url, SLUICE_PIPELINES_DIR: join(scratch.dir, "pipelines"), CI: "true" },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(api.requests.map((r) => r.query.get("page"))).toEqual(["1", "3", "5", "7"]);
  }, 60_000);
});
