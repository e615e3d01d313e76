import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isSecretRef, loadConfigFile, validateConfig } from "../../src/config/index.js";
import { ConfigError, SluiceError } from "../../src/core/errors.js";

const seeds = new URL("./fixtures/seeds/", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "sluice-config-load-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function loadConfig(path: string) {
  const loaded = await loadConfigFile(path);
  if (loaded.kind !== "config") throw new Error(`expected a config, got a ${loaded.kind}`);
  return loaded;
}

/** Loads and validates, returning the ConfigError's issues (or failing when the config is valid). */
async function issuesOf(path: string) {
  const loaded = await loadConfig(path);
  try {
    validateConfig(loaded.config, { file: loaded.file, positions: loaded.positions });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues;
  }
  throw new Error(`${path} validated, but errors were expected`);
}

describe("seed configs, one file format each, validate clean", () => {
  const cases: [string, string[]][] = [
    ["seed000.yaml", ["analytics_data"]],
    ["seed001.json5", ["businesses", "connections", "customers"]],
    ["seed002.toml", ["resource_name"]],
    ["seed003.json", ["events", "organizations", "repositories"]],
    ["seed004.ts", ["resource_name"]],
  ];
  it.each(cases)("%s", async (file, names) => {
    const loaded = await loadConfig(join(seeds, file));
    const warnings: string[] = [];
    const config = validateConfig(loaded.config, {
      file: loaded.file,
      positions: loaded.positions,
      onWarning: (w) => warnings.push(w.message),
    });
    expect(config.resources.map((r) => (typeof r === "string" ? r : r.name))).toEqual(names);
    expect(warnings).toEqual([]);
    if (file !== "seed004.ts")
      expect(loaded.positions.size).toBeGreaterThan(file.endsWith(".toml") ? -1 : 10);
  });

  it("keeps the seeds' own spellings as written", async () => {
    const s0 = validateConfig((await loadConfig(join(seeds, "seed000.yaml"))).config);
    expect(s0.client.auth).toMatchObject({ type: "oauth2", token_url: "https://oauth2.example.com/token" });
    const s2 = validateConfig((await loadConfig(join(seeds, "seed002.toml"))).config);
    const r2 = s2.resources[0];
    expect(typeof r2 === "object" && typeof r2.endpoint === "object" && r2.endpoint.paginator).toEqual({
      type: "page_number",
      limit: 2,
      page_param: "page",
      start_from_page: 1,
    });
    const s1 = validateConfig((await loadConfig(join(seeds, "seed001.json5"))).config);
    const r1 = s1.resources[0];
    expect(typeof r1 === "object" && r1.columns).toMatchObject({ type: "object", required: ["id"] });
    const s4 = (await loadConfig(join(seeds, "seed004.ts"))).config as {
      client: { auth: { api_key: unknown } };
    };
    expect(isSecretRef(s4.client.auth.api_key)).toBe(true);
  });
});

describe("every file format reads to the same config", () => {
  const expected = {
    client: { base_url: "https://api.example.com", auth: { token: `$${"{"}secrets.api_token}` } },
    resource_defaults: { endpoint: { params: { per_page: 50 } } },
    resources: [
      "users",
      { name: "posts", endpoint: { path: "/posts", paginator: { type: "offset", limit: 10 } } },
    ],
  };
  const texts: Record<string, string> = {
    "same.json": JSON.stringify(expected, null, 2),
    "same.json5": `// a comment\n{client: {base_url: 'https://api.example.com', auth: {token: "\${secrets.api_token}"}}, /* more */
      resource_defaults: {endpoint: {params: {per_page: 50,},},},
      resources: ["users", {name: "posts", endpoint: {path: "/posts", paginator: {type: "offset", limit: 10}}},],}`,
    "same.yaml": `client:\n  base_url: https://api.example.com\n  auth:\n    token: \${secrets.api_token}\nresource_defaults:\n  endpoint:\n    params:\n      per_page: 50\nresources:\n  - users\n  - name: posts\n    endpoint:\n      path: /posts\n      paginator: {type: offset, limit: 10}\n`,
    "same.toml": `resources = ["users", { name = "posts", endpoint = { path = "/posts", paginator = { type = "offset", limit = 10 } } }]\n[client]\nbase_url = "https://api.example.com"\nauth = { token = "\${secrets.api_token}" }\n[resource_defaults.endpoint.params]\nper_page = 50\n`,
    "same.mjs": `export default ${JSON.stringify(expected)};\n`,
  };
  it.each(Object.keys(texts))("%s", async (name) => {
    const loaded = await loadConfig(write(name, texts[name]!));
    expect(loaded.config).toEqual(expected);
    expect(validateConfig(loaded.config)).toEqual(expected);
  });

  it("YAML anchors and merge keys share settings between resources", async () => {
    const loaded = await loadConfig(
      write(
        "anchors.yaml",
        "client: {base_url: https://x.example}\nresources:\n  - name: a\n    endpoint: &ep {data_selector: data, paginator: {type: offset, limit: 5}}\n  - name: b\n    endpoint:\n      <<: *ep\n      path: /b\n",
      ),
    );
    const config = validateConfig(loaded.config);
    expect(config.resources[1]).toEqual({
      name: "b",
      endpoint: { data_selector: "data", paginator: { type: "offset", limit: 5 }, path: "/b" },
    });
  });

  it("turns TOML dates into ISO strings (cursor values are strings)", async () => {
    const loaded = await loadConfig(
      write(
        "dates.toml",
        `resources = ["a"]\n[client]\nbase_url = "https://x.example"\n[resource_defaults.endpoint.incremental]\ncursor_path = "updated_at"\ninitial_value = 2024-01-01T00:00:00Z\n`,
      ),
    );
    const config = validateConfig(loaded.config);
    const endpoint = config.resource_defaults?.endpoint;
    expect(typeof endpoint === "object" && endpoint.incremental?.initial_value).toBe(
      "2024-01-01T00:00:00.000Z",
    );
  });
});

describe("errors point at the line and column", () => {
  it("YAML: unknown key at its key, bad enum at its value", async () => {
    const path = write(
      "pos.yaml",
      [
        "client:", // 1
        "  base_url: https://api.example.com", // 2
        "resources:", // 3
        "  - name: a", // 4
        "    endpoint:", // 5
        "      path: /a", // 6
        "      paginator:", // 7
        "        type: ofset", // 8
        "        limit: 10", // 9
        "    primary_kye: id", // 10
      ].join("\n"),
    );
    const issues = await issuesOf(path);
    expect(issues).toHaveLength(2);
    const [enumIssue, keyIssue] = issues;
    expect(enumIssue).toMatchObject({
      path: "resources[0].endpoint.paginator.type",
      line: 8,
      column: 15,
      hint: 'did you mean "offset"?',
    });
    expect(enumIssue!.message).toContain('"ofset"');
    expect(keyIssue).toMatchObject({
      path: "resources[0].primary_kye",
      line: 10,
      column: 5,
      hint: 'did you mean "primary_key"?',
    });
  });

  it("JSON5 with comments: positions skip comments and strings with braces", async () => {
    const path = write(
      "pos.json5",
      [
        "// leading comment {not: json}", // 1
        "{", // 2
        '  client: { base_url: "https://api.example.com/{x}" },', // 3
        "  /* block", // 4
        "     comment */ resources: [", // 5
        '    "users",', // 6
        "    {", // 7
        "      name: 'posts',", // 8
        '      "write_disposition": "mrege",', // 9
        "    },", // 10
        "  ],", // 11
        "}", // 12
      ].join("\n"),
    );
    const issues = await issuesOf(path);
    expect(issues).toEqual([
      expect.objectContaining({
        path: "resources[1].write_disposition",
        line: 9,
        column: 28,
        file: path,
        hint: 'did you mean "merge"?',
      }),
    ]);
  });

  it("JSON: missing required key points at the enclosing object", async () => {
    const path = write(
      "pos.json",
      '{\n  "client": {\n    "headers": {"X-A": "1"}\n  },\n  "resources": ["a"]\n}\n',
    );
    const issues = await issuesOf(path);
    expect(issues).toEqual([
      expect.objectContaining({
        path: "client.base_url",
        line: 2,
        column: 13,
        message: "required key is missing",
      }),
    ]);
  });

  it("TOML: positions from table headers and keys", async () => {
    const path = write(
      "pos.toml",
      [
        "[client]", // 1
        'base_url = "https://api.example.com"', // 2
        "[[resources]]", // 3
        'name = "a"', // 4
        "[resources.endpoint.paginator]", // 5
        'type = "page_numbr"', // 6
        "[[resources]]", // 7
        'nmae = "b"', // 8
      ].join("\n"),
    );
    const issues = await issuesOf(path);
    expect(issues.map((i) => [i.path, i.line, i.column, i.hint])).toEqual([
      ["resources[0].endpoint.paginator.type", 6, 8, 'did you mean "page_number"?'],
      ["resources[1].name", 7, 1, undefined],
      ["resources[1].nmae", 8, 1, 'did you mean "name"?'],
    ]);
  });

  it("the error text carries file:line:column for every issue", async () => {
    const path = write(
      "text.yaml",
      "client:\n  base_url: https://api.example.com\n  pagintor: auto\nresources: [a]\n",
    );
    const loaded = await loadConfig(path);
    const err = (() => {
      try {
        validateConfig(loaded.config, { file: loaded.file, positions: loaded.positions });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error("expected an error");
    })();
    expect(err.message).toContain(
      `${path}:3:3 client.pagintor: unknown key "pagintor" (did you mean "paginator"?)`,
    );
    expect(err.stack === undefined || !err.message.includes("    at ")).toBe(true);
  });

  it("syntax errors name the line: YAML, JSON, JSON5, TOML", async () => {
    const cases: [string, string, number][] = [
      ["bad.yaml", "client:\n  base_url: x\n  base_url: y\nresources: [a]\n", 3],
      ["bad.json", '{\n  "client": {\n    "base_url": "x",,\n  }\n}', 3],
      ["bad.json5", "{\n  client: {\n    base_url: 'x'\n    oops\n  }\n}", 4],
      ["bad.toml", '[client]\nbase_url = "x"\nthis is not toml\n', 3],
    ];
    for (const [name, text, line] of cases) {
      const err = await loadConfigFile(write(name, text)).catch((e: unknown) => e);
      expect(err, name).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).issues[0]?.line, name).toBe(line);
    }
  });
});

describe("TypeScript and JavaScript modules", () => {
  it("a .ts module may export a source built with sluice's API", async () => {
    const path = write(
      "source.ts",
      `import { resource, source } from "sluice";\nconst rows: { id: number }[] = [{ id: 1 }];\nexport default source("mine", [resource("things", rows)]);\n`,
    );
    const loaded = await loadConfigFile(path);
    expect(loaded.kind).toBe("source");
    if (loaded.kind === "source") expect(loaded.source.resources.map((r) => r.name)).toEqual(["things"]);
  });

  it("a .ts module in an ESM package folder loads too", async () => {
    const esm = join(dir, "esm");
    rmSync(esm, { recursive: true, force: true });
    const { mkdirSync } = await import("node:fs");
    mkdirSync(esm);
    writeFileSync(join(esm, "package.json"), '{"type":"module"}');
    writeFileSync(
      join(esm, "config.ts"),
      `import { secrets, type RestApiConfig } from "sluice";\nconst c: RestApiConfig = { client: { base_url: "https://x.example", auth: { token: secrets.tok! } }, resources: ["a"] };\nexport default c;\n`,
    );
    const loaded = await loadConfig(join(esm, "config.ts"));
    const config = validateConfig(loaded.config);
    expect(isSecretRef((config.client.auth as { token: unknown }).token)).toBe(true);
  });

  it("CommonJS modules: .cjs and .cts", async () => {
    const body = '{ client: { base_url: "https://x.example" }, resources: ["a"] }';
    for (const [name, text] of [
      ["c.cjs", `module.exports = ${body};\n`],
      [
        "c.cts",
        `const config: { resources: string[] } & Record<string, unknown> = ${body};\nexport = config;\n`,
      ],
    ] as const) {
      const loaded = await loadConfig(write(name, text));
      expect(validateConfig(loaded.config).resources, name).toEqual(["a"]);
    }
  });

  it("a module without a usable default export is a config error", async () => {
    const err = await loadConfigFile(write("nodefault.mjs", "export const x = 1;\n")).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain("no default export");
  });

  it("a module that throws is reported with its file", async () => {
    const err = await loadConfigFile(write("throws.mjs", "throw new Error('boom');\n")).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SluiceError);
    expect((err as SluiceError).message).toMatch(/throws\.mjs: boom/);
  });
});

describe("file errors", () => {
  it("unknown extension and missing file", async () => {
    const a = await loadConfigFile(write("c.ini", "x=1")).catch((e: unknown) => e);
    expect(a).toBeInstanceOf(SluiceError);
    expect((a as SluiceError).hint).toContain(".yaml");
    const b = await loadConfigFile(join(dir, "nope.yaml")).catch((e: unknown) => e);
    expect((b as SluiceError).message).toContain("ENOENT");
  });
});
