import { describe, expect, it } from "vitest";
import { secrets } from "../../config/index.js";
import type { RestApiConfigInput } from "./config-types.js";
import { resolveConfigSecrets } from "./secret-templates.js";

describe("resolveConfigSecrets", () => {
  it("doubles a secret's braces in every templated field, so they stay literal text", () => {
    const config: RestApiConfigInput = {
      client: { base_url: "https://api.example.com" },
      resources: [
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a config file's secret reference
        { name: "a", endpoint: "/a/${secrets.key}" },
        {
          name: "b",
          endpoint: {
            path: "/b",
            method: "POST",
            // biome-ignore lint/suspicious/noTemplateCurlyInString: a config file's secret reference
            data: { token: secrets.key!, note: "k=${secrets.key}" },
            json: { token: secrets.key! },
          },
        },
      ],
    };
    const resolved = resolveConfigSecrets(config, { env: { KEY: "x{resources.a.id}" } });
    const [a, b] = resolved.resources as Array<{ endpoint: unknown }>;
    expect(a?.endpoint).toBe("/a/x{{resources.a.id}}");
    expect(b?.endpoint).toMatchObject({
      data: { token: "x{{resources.a.id}}", note: "k=x{{resources.a.id}}" },
      json: { token: "x{{resources.a.id}}" },
    });
  });
});
