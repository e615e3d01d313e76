import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { checkConfig, formatPath, loadConfigFile, secretNamesIn } from "../../src/config/index.js";
import { SluiceError } from "../../src/core/errors.js";
import { type RestApiConfigInput, restApiSource } from "../../src/sources/rest_api/index.js";
import { REPO } from "../support/demo-cli.js";

/**
 * Property-based hostile configs: `checkConfig` (what `sluice validate` and every run use) never throws,
 * whatever it is handed, and every issue it reports names a place in the config a user can find.
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Keys a config author (or a fuzzer) might write: real config keys, typos, odd and hostile strings. */
const CONFIG_WORDS = [
  "client",
  "base_url",
  "auth",
  "type",
  "token",
  "resources",
  "resource_defaults",
  "name",
  "endpoint",
  "path",
  "params",
  "paginator",
  "data_selector",
  "incremental",
  "cursor_path",
  "initial_value",
  "primary_key",
  "write_disposition",
  "columns",
  "properties",
  "required",
  "processing_steps",
  "include_from_parent",
  "response_actions",
  "__proto__",
  "constructor",
  "toString",
  "",
  " ",
  "ü",
  "{resources.a.id}",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the config spelling of a secret, as a key
  "${secrets.x}",
];
const key = fc.oneof(
  fc.constantFrom(...CONFIG_WORDS),
  fc.string({ maxLength: 8 }),
  fc.string({ unit: "binary", maxLength: 4 }),
);
const leaf: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(
    "offset",
    "page_number",
    "cursor",
    "json_link",
    "bearer",
    "merge",
    "https://api.example.com",
    "{x}",
  ),
  fc.string({ maxLength: 12 }),
);
const json: fc.Arbitrary<Json> = fc.letrec<{ v: Json }>((tie) => ({
  v: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.array(tie("v"), { maxLength: 4 }),
    fc.dictionary(key, tie("v"), { maxKeys: 5 }),
  ),
})).v;

/**
 * True when `path` (the validator's spelling: `a.b[0]`, `a["odd key"]`) is a place in `input`, or one
 * key below a place (a missing required key, an unknown key).
 */
function namesAPlace(input: unknown, path: string): boolean {
  const places = new Set(allPaths(input).map((p) => formatPath(p)));
  if (places.has(path)) return true;
  for (const q of places) {
    if (!path.startsWith(q)) continue;
    const rest = path.slice(q.length);
    if ((q === "" ? /^[A-Za-z_][\w-]*$/ : /^\.[A-Za-z_][\w-]*$/).test(rest) || /^\[\d+\]$/.test(rest))
      return true;
    const quoted = /^\[(".*")\]$/.exec(rest);
    if (quoted) {
      try {
        JSON.parse(quoted[1]!);
        return true;
      } catch {
        // not one quoted key
      }
    }
  }
  return false;
}

function expectPlaces(input: unknown): void {
  const result = checkConfig(input);
  for (const issue of [...result.errors, ...result.warnings]) {
    expect(typeof issue.path, JSON.stringify(issue)).toBe("string");
    expect(issue.message.length, JSON.stringify(issue)).toBeGreaterThan(0);
    // The root is a place only when the config itself is the wrong kind of value.
    if (issue.path === "")
      expect(input === null || typeof input !== "object" || Array.isArray(input)).toBe(true);
    else expect(namesAPlace(input, issue.path), `${issue.path} in ${JSON.stringify(input)}`).toBe(true);
  }
}

/** A config that validates builds a source, or fails as sluice's own error, never as a crash. */
function expectSourceBuilds(config: unknown): void {
  const env = Object.fromEntries(
    secretNamesIn(config).map((n) => [n.toUpperCase().replaceAll(".", "__"), "s3cret-value"]),
  );
  try {
    restApiSource(config as RestApiConfigInput, { env }).close();
  } catch (err) {
    expect(err, String(err)).toBeInstanceOf(SluiceError);
  }
}

/** Every path to a value inside `v` (objects and arrays), for mutations. */
function allPaths(v: unknown, at: Array<string | number> = []): Array<Array<string | number>> {
  if (v === null || typeof v !== "object") return [at];
  const entries = Array.isArray(v) ? v.map((x, i) => [i, x] as const) : Object.entries(v);
  return [at, ...entries.flatMap(([k, x]) => allPaths(x, [...at, k]))];
}

type Mutation = { kind: "set"; value: Json } | { kind: "delete" } | { kind: "rename"; to: string };

function mutate(config: unknown, path: Array<string | number>, m: Mutation): unknown {
  const copy = structuredClone(config) as Record<string | number, unknown>;
  if (path.length === 0) return m.kind === "set" ? m.value : copy;
  let parent: Record<string | number, unknown> = copy;
  for (const seg of path.slice(0, -1)) parent = parent[seg] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (m.kind === "set") parent[last] = m.value;
  else if (m.kind === "delete") {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else if (!Array.isArray(parent)) {
    const value = parent[last];
    delete parent[last];
    parent[m.to] = value;
  }
  return copy;
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  json.map((value) => ({ kind: "set" as const, value })),
  fc.constant({ kind: "delete" as const }),
  key.map((to) => ({ kind: "rename" as const, to })),
);

describe("hostile configs (property-based)", () => {
  const seeds: unknown[] = [];
  beforeAll(async () => {
    for (const f of ["analytics.json", "businesses.json5", "events.toml", "items.yaml"]) {
      const loaded = await loadConfigFile(join(REPO, "examples", f));
      if (loaded.kind === "config") seeds.push(loaded.config);
    }
  });

  it("the seed configs are valid to start with", () => {
    expect(seeds).toHaveLength(4);
    for (const s of seeds) expect(checkConfig(s).errors).toEqual([]);
  });

  it("arbitrary JSON: never throws, every issue names a place", () => {
    fc.assert(
      fc.property(json, (input) => expectPlaces(input)),
      { numRuns: 200 },
    );
  });

  it("config-shaped JSON (client and resources of any kind): never throws, every issue names a place", () => {
    const shaped = fc.record(
      { client: json, resources: fc.oneof(json, fc.array(json, { maxLength: 3 })), resource_defaults: json },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(shaped, (input) => expectPlaces(input)),
      { numRuns: 200 },
    );
  });

  it("the seed configs with up to three values replaced, deleted or renamed: never throws, issues name places", () => {
    const seedIndex = fc.integer({ min: 0, max: 3 });
    fc.assert(
      fc.property(
        seedIndex,
        fc.array(fc.tuple(fc.nat(), mutation), { minLength: 1, maxLength: 3 }),
        (i, ms) => {
          let config = seeds[i];
          for (const [pick, m] of ms) {
            const paths = allPaths(config);
            config = mutate(config, paths[pick % paths.length]!, m);
          }
          expectPlaces(config);
          if (checkConfig(config).config !== undefined) expectSourceBuilds(config);
        },
      ),
      { numRuns: 200 },
    );
  });
});
