// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are sluice placeholders, not JS templates
import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/errors.js";
import { expandEnv } from "./env-interpolation.js";

describe("expandEnv", () => {
  it("expands ${env.NAME} and defaults, leaves secrets and the input alone", () => {
    const input = {
      client: { base_url: "${env.API}/v2", token: "${secrets.token}" },
      resources: [{ name: "x", endpoint: { params: { limit: "${env.LIMIT:-50}", n: 3 } } }],
    };
    const out = expandEnv(input, { API: "http://127.0.0.1:9" });
    expect(out.client.base_url).toBe("http://127.0.0.1:9/v2");
    expect(out.client.token).toBe("${secrets.token}");
    expect(out.resources[0]?.endpoint.params).toEqual({ limit: "50", n: 3 });
    expect(input.client.base_url).toBe("${env.API}/v2");
  });

  it("lists every unset variable with its config path", () => {
    try {
      expandEnv({ a: "${env.ONE}", b: ["${env.TWO}"] }, {}, "x.yaml");
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const issues = (err as ConfigError).issues;
      expect(issues.map((i) => [i.path, i.message])).toEqual([
        ["a", "environment variable ONE is not set"],
        ["b[0]", "environment variable TWO is not set"],
      ]);
      expect(issues[0]?.file).toBe("x.yaml");
    }
  });
});
