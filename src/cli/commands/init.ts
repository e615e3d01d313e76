import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { CliIO } from "../io.js";
import { UsageError } from "../report-error.js";

/**
 * `sluice init [name]`: a config that runs as-is against the bundled demo API (so the first run works),
 * a secrets template kept out of git, and the `.gitignore` line that keeps it out.
 */
export type InitFormat = "yaml" | "json" | "toml";

export interface InitOptions {
  format?: InitFormat;
  force?: boolean;
}

/**
 * What sluice writes in a working tree, kept out of git: the secrets above all, then DuckDB files (and
 * their write-ahead logs) and the filesystem destination's default `./lake` bucket.
 */
const IGNORED: readonly { line: string; why: string }[] = [
  { line: ".sluice/secrets.toml", why: "sluice secrets: never commit" },
  { line: "*.duckdb", why: "sluice's DuckDB files" },
  { line: "*.duckdb.wal", why: "" },
  { line: "/lake/", why: "sluice's filesystem destination (default bucket)" },
];

export function initCommand(nameArg: string | undefined, options: InitOptions, io: CliIO): number {
  const name = nameArg ?? "my_api";
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(name))
    throw new UsageError(
      `Invalid name "${name}"`,
      "use letters, digits, _ or -, starting with a letter (it becomes the pipeline name)",
    );
  const format = options.format ?? "yaml";
  const configPath = join(io.cwd, `${name}.${format}`);
  if (existsSync(configPath) && !options.force)
    throw new UsageError(
      `${relative(io.cwd, configPath)} already exists`,
      "pick another name or pass --force",
    );

  writeFileSync(configPath, TEMPLATES[format]());
  const created = [relative(io.cwd, configPath)];

  created.push(...protectProject(io, SECRETS_TEMPLATE));

  const file = relative(io.cwd, configPath);
  io.stdout.write(
    [
      `Created ${created.join(", ")}.`,
      "",
      "Next steps:",
      "  1. Edit the config: base URL, auth, resources (docs/config-reference.md).",
      "  2. Put real secrets in .sluice/secrets.toml or the environment (API_KEY).",
      `  3. npx sluice validate ${file}`,
      `  4. npx sluice preview ${file}     (the first pages, rows and schema; nothing written)`,
      `  5. npx sluice run ${file}`,
      "",
      "To try it first against the bundled demo API: `npm run demo -- --serve` in another terminal.",
      "",
    ].join("\n"),
  );
  return 0;
}

/**
 * A secrets file (created from `template`, or given the template's missing `name = ""` entries) readable
 * by its owner only, and the `.gitignore` lines that keep it and sluice's data files out of git. Returns
 * what it created or changed.
 */
export function protectProject(io: CliIO, template: string): string[] {
  const created: string[] = [];
  const secretsDir = join(io.cwd, ".sluice");
  const secretsPath = join(secretsDir, "secrets.toml");
  if (!existsSync(secretsPath)) {
    mkdirSync(secretsDir, { recursive: true });
    writeFileSync(secretsPath, template, { mode: 0o600 });
    created.push(".sluice/secrets.toml");
  } else {
    const current = readFileSync(secretsPath, "utf8");
    const have = new Set([...current.matchAll(/^\s*([A-Za-z0-9_]+)\s*=/gm)].map((m) => m[1]));
    const add = template.split("\n").filter((l) => {
      const m = /^([A-Za-z0-9_]+)\s*=/.exec(l);
      return m !== null && !have.has(m[1]);
    });
    if (add.length > 0) {
      writeFileSync(secretsPath, `${current}${current.endsWith("\n") ? "" : "\n"}${add.join("\n")}\n`);
      created.push(`.sluice/secrets.toml (added ${add.map((l) => l.split("=")[0]?.trim()).join(", ")})`);
    }
  }

  const gitignore = join(io.cwd, ".gitignore");
  const current = existsSync(gitignore) ? readFileSync(gitignore, "utf8") : "";
  const present = new Set(current.split(/\r?\n/).map((l) => l.trim()));
  // `.sluice/` already covers the secrets file.
  const missing = IGNORED.filter(
    ({ line }) => !present.has(line) && !(line.startsWith(".sluice/") && present.has(".sluice/")),
  );
  if (missing.length > 0) {
    const sep = current === "" || current.endsWith("\n") ? "" : "\n";
    const added = missing.map(({ line, why }) => (why === "" ? `${line}\n` : `# ${why}\n${line}\n`)).join("");
    writeFileSync(gitignore, `${current}${sep}${added}`);
    created.push(`.gitignore (added ${missing.map((m) => m.line).join(", ")})`);
  }

  return created;
}

/** The config body: dlt's rest_api_source language, pointed at the demo API until edited. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: sluice's own placeholder syntax, written into the file
const BASE_URL = "${env.API_BASE_URL:-http://127.0.0.1:8787}";
// biome-ignore lint/suspicious/noTemplateCurlyInString: as above
const API_KEY = "${secrets.api_key}";

const TEMPLATES: Record<InitFormat, () => string> = {
  yaml: () => `# yaml-language-server: $schema=./node_modules/sluice/schema/sluice-config.schema.json
# A sluice config, in dlt's rest_api_source config language. Reference: docs/config-reference.md
# \${env.NAME:-default} reads an environment variable; \${secrets.name} a secret (.sluice/secrets.toml).
client:
  base_url: "${BASE_URL}"
  auth:
    type: api_key
    name: api_key
    api_key: "${API_KEY}"
    location: query
resource_defaults:
  primary_key: id
  write_disposition: merge
resources:
  - name: resources
    endpoint:
      path: /v1/resource
      data_selector: data
      paginator:
        type: offset
        limit: 100
`,
  json: () =>
    `${JSON.stringify(
      {
        client: {
          base_url: BASE_URL,
          auth: { type: "api_key", name: "api_key", api_key: API_KEY, location: "query" },
        },
        resource_defaults: { primary_key: "id", write_disposition: "merge" },
        resources: [
          {
            name: "resources",
            endpoint: {
              path: "/v1/resource",
              data_selector: "data",
              paginator: { type: "offset", limit: 100 },
            },
          },
        ],
      },
      null,
      2,
    )}\n`,
  toml: () => `# A sluice config, in dlt's rest_api_source config language. Reference: docs/config-reference.md
# \${env.NAME:-default} reads an environment variable; \${secrets.name} a secret (.sluice/secrets.toml).
[client]
base_url = "${BASE_URL}"

[client.auth]
type = "api_key"
name = "api_key"
api_key = "${API_KEY}"
location = "query"

[resource_defaults]
primary_key = "id"
write_disposition = "merge"

[[resources]]
name = "resources"

[resources.endpoint]
path = "/v1/resource"
data_selector = "data"

[resources.endpoint.paginator]
type = "offset"
limit = 100
`,
};

const SECRETS_TEMPLATE = `# sluice secrets: \${secrets.<name>} in a config reads <name> here, after the environment
# variable <NAME>. This file is in .gitignore: keep it out of version control.
# The value below is the bundled demo API's key; replace it with your API's key.
api_key = "demo-api-key"
`;
