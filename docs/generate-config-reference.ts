// Writes docs/config-reference.md from schema/sluice-config.schema.json:
//   node --import tsx docs/generate-config-reference.ts && npx biome format --write docs/config-reference.md
// The prose lives here; the key tables come from the schema, so the reference cannot drift from it
// (test/cli/config-reference.test.ts fails when a schema key has no row).
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  anchor,
  type DocumentedObject,
  documentedObjects,
  type SchemaNode,
} from "./config-reference-schema.js";

const schemaPath = fileURLToPath(new URL("../schema/sluice-config.schema.json", import.meta.url));
const target = fileURLToPath(new URL("./config-reference.md", import.meta.url));

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function renderReference(schema: SchemaNode): string {
  const objects = documentedObjects(schema);
  const toc = objects.map((o) => `- [${o.title}](#${anchor(o.title)})`).join("\n");
  const sections = objects.map(section).join("\n");
  return `${PROLOGUE}
## Keys

Generated from [\`schema/sluice-config.schema.json\`](../schema/sluice-config.schema.json) by
\`node --import tsx docs/generate-config-reference.ts\`. Keys marked *sluice* are sluice additions;
the others keep dlt's spelling and meaning.

${toc}

${sections}`;
}

function section(o: DocumentedObject): string {
  const rows = o.keys
    .map((k) => `| \`${k.key}\` | ${cell(k.type)} | ${k.required ? "yes" : ""} | ${cell(k.description)} |`)
    .join("\n");
  return `### ${o.title}

${o.description ? `${cell(o.description)}\n\n` : ""}| key | type | required | meaning |
| --- | --- | --- | --- |
${rows}
`;
}

const PROLOGUE = `# Config reference

A sluice config is dlt's \`rest_api_source\` config — \`client\`, \`resource_defaults\`, \`resources\` —
written as data (JSON, JSON5, YAML, TOML) or as a TypeScript/JavaScript module. A dlt config ports by
changing syntax only: Python dict → JSON/YAML/TOML/TS object, \`dlt.secrets["x"]\` → \`"\${secrets.x}"\`
in files or \`secrets.x\` in TypeScript.

## Files

| file | notes |
| --- | --- |
| \`.json\` | plain JSON (comments are tolerated) |
| \`.json5\` | comments, trailing commas, unquoted keys |
| \`.yaml\` / \`.yml\` | add \`# yaml-language-server: $schema=…/sluice-config.schema.json\` for editor completion |
| \`.toml\` | \`[client]\`, \`[[resources]]\` tables |
| \`.ts\` / \`.js\` | default export: a config object, or a source (\`restApiSource(…)\`); \`import … from "sluice"\` works without a build step |

Errors name the path (\`resources[2].endpoint.paginator.type\`), the line and column (JSON, JSON5,
YAML), the bad value and the fix (\`did you mean "offset"?\`). \`sluice validate <config>\` lists them all.

## Placeholders in strings

| placeholder | resolved | notes |
| --- | --- | --- |
| \`\${secrets.name}\` | at run time, from the environment variable \`NAME\` (upper case, \`.\` → \`__\`), then \`.sluice/secrets.toml\` | never printed, logged, stored or loaded; a missing secret fails before any request, naming both places |
| \`\${env.NAME}\`, \`\${env.NAME:-default}\` | when \`sluice run\`/\`validate\` reads the file | for settings that differ per machine but are not secret, such as a base URL; an unset variable without a default is a config error |
| \`{resources.<parent>.<field>}\` | per parent record | parent/child resources, in \`path\`, \`params\`, \`json\`, \`data\`, \`headers\` |
| \`{incremental.start_value}\` (\`end_value\`, \`last_value\`, \`initial_value\`, \`lag\`) | per run | incremental loading; \`initial_value\` and \`lag\` as configured; an unset one leaves a param or form field out |

The examples in [\`examples/\`](../examples) read the demo API's address with
\`"\${env.DEMO_API_URL:-http://127.0.0.1:8787}"\`, so the same file runs against the demo on its default
port, a test's random port, or a real host.

## Spellings beside dlt's

These are first-class, documented spellings, accepted beside dlt's:

| spelling | meaning | dlt |
| --- | --- | --- |
| auth \`type: "oauth2"\` with \`token_url\` | OAuth2 client credentials | \`oauth2_client_credentials\`, \`access_token_url\` |
| \`error_handler: {retry_on_status_codes, max_retries, backoff_factor}\` | retry policy, in \`client\`, \`resource_defaults\`, a resource or an endpoint | (client-level retry settings) |
| page_number \`start_from_page\` | first page number | \`base_page\` |
| page_number \`limit\` | page size: a shorter page is the last | — |
| \`resource_defaults.endpoint.params\` | query params merged into every resource | same |
| \`columns\` as a JSON Schema object | column types and nullability | \`columns\` map |
| resource \`exclude_columns\` | fields dropped before normalization (a file cannot hold a \`processing_steps\` function) | \`processing_steps\` \`map\` |

## Where sluice differs from dlt

- An \`offset\` or \`page_number\` paginator whose response has no total stops on a short or empty page
  instead of failing.
- \`Retry-After: 0\` does not retry in a tight loop.
- Paging always ends, on every paginator, with a warning naming the resource, the page and the reason:
  a page whose records repeat an earlier page's (an API ignoring \`offset\` or \`page\`, or wrapping
  around) is not loaded and ends pagination; a next link or cursor that repeats any seen earlier in the
  run (a → b → a) ends it after that page; so do 10 empty pages in a row (single empty pages are fine).
  \`maximum_pages\` caps every paginator too.
- A response larger than \`client.max_response_bytes\` (default 128 MiB, counted after decompression
  too, so a gzip bomb is cut off while it inflates) fails the resource instead of exhausting memory.
- Auth headers are never sent to another host when a \`next\` link points elsewhere.

## Your own paginator or auth type

A TypeScript config can add a paginator or auth type before it exports the config that uses it, as
dlt's \`register_paginator\` / \`register_auth\` do. Its options are checked by its own zod schema,
by \`sluice validate\` as by \`sluice run\`; the JSON Schema lists the built-in types only.

\`\`\`ts
import { z } from "zod";
import { BasePaginator, configObject, registerPaginator } from "sluice";

class EveryOtherPage extends BasePaginator { /* init, update, next */ }

registerPaginator("every_other_page", {
  schema: configObject({ type: z.literal("every_other_page"), first: z.number().int().positive() }),
  create: (options) => new EveryOtherPage(options.first),
});
\`\`\`

\`registerAuth(type, { schema, secrets, create })\` works the same way; \`secrets\` names the keys whose
values are masked in every output, and \`stringOrSecret()\` is the schema of a string that may be a
\`secrets.x\` reference.
`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const schema = JSON.parse(readFileSync(schemaPath, "utf8")) as SchemaNode;
  writeFileSync(target, renderReference(schema));
  process.stdout.write(`wrote ${target}\n`);
}
