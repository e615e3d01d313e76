import { describe, expect, expectTypeOf, it } from "vitest";
import type { Resolved } from "../../src/config/index.js";
import type {
  AuthSpec,
  ErrorHandlerConfig,
  PaginatorObject,
  ResponseActionSpec,
  RestApiConfig,
} from "../../src/config/schema.js";
import type { AuthConfig, PaginatorConfig, ResponseAction, RetryPolicy } from "../../src/http/types.js";
import { secret, secrets } from "../../src/index.js";

// The declarative source hands resolved config blocks straight to the HTTP layer: these pin that the
// config types stay assignable to the HTTP contract.
describe("config types fit the HTTP contract", () => {
  it("resolved auth, paginator, retry and response actions are HTTP types", () => {
    expectTypeOf<Resolved<AuthSpec>>().toMatchTypeOf<AuthConfig>();
    expectTypeOf<PaginatorObject>().toMatchTypeOf<PaginatorConfig>();
    expectTypeOf<ErrorHandlerConfig>().toMatchTypeOf<Partial<RetryPolicy>>();
    expectTypeOf<ResponseActionSpec>().toMatchTypeOf<ResponseAction>();
  });

  it("a TS config takes secrets where strings go", () => {
    const config: RestApiConfig = {
      client: { base_url: "https://api.example.com", auth: { token: secret("api_token") } },
      resources: ["items", { name: "users", processing_steps: [{ filter: (r) => r.id !== 1 }] }],
    };
    expectTypeOf<Resolved<RestApiConfig>["client"]["base_url"]>().toEqualTypeOf<string>();
    // Under noUncheckedIndexedAccess an index read is `SecretRef | undefined`; the proxy never returns undefined.
    expect(secrets.api_token!.name).toBe("api_token");
    expect(config.resources).toHaveLength(2);
  });
});
