import { afterEach, describe, expect, it } from "vitest";
import { clearSecretsForTests, registerSecret } from "../../core/redact.js";
import type { TransportRequest } from "../transport.js";
import { prettyJson, responseText } from "./cassette-file.js";
import { nearestRequest } from "./nearest.js";
import { describeRequest, requestKey } from "./request-key.js";
import {
  declareAuth,
  defaultScrubRules,
  SECRET_TEMPLATE,
  scrubRequestHeaders,
  scrubResponseHeaders,
  scrubTokenResponse,
} from "./scrub.js";
import { templateJson, templateQuery, templateText } from "./templates.js";

afterEach(() => clearSecretsForTests());

function req(url: string, extra: Partial<TransportRequest> = {}): TransportRequest {
  return {
    method: "GET",
    url,
    headers: {},
    body: undefined,
    context: { kind: "page", resource: "items", page: 0 },
    ...extra,
  };
}

describe("keying", () => {
  it("keys by resource, page, method, URL, query (in any order) and body, not by headers", () => {
    const rules = defaultScrubRules();
    const a = describeRequest(
      req("http://h/items?b=2&a=1", { headers: { authorization: "Bearer x1" } }),
      rules,
    );
    const b = describeRequest(
      req("http://h/items?a=1&b=2", { headers: { authorization: "Bearer y2" } }),
      rules,
    );
    expect(requestKey(a)).toBe(requestKey(b));
    const other = describeRequest(
      req("http://h/items?a=1&b=2", { context: { kind: "page", resource: "items", page: 1 } }),
      rules,
    );
    expect(requestKey(other)).not.toBe(requestKey(a));
    const posted = describeRequest(
      req("http://h/items", {
        method: "POST",
        body: '{"q":1}',
        headers: { "content-type": "application/json" },
      }),
      rules,
    );
    expect(posted.request.json).toEqual({ q: 1 });
  });

  it("token requests belong to no resource or page", () => {
    const k = describeRequest(
      req("http://h/token", { method: "POST", context: { kind: "token" } }),
      defaultScrubRules(),
    );
    expect(k).toMatchObject({ resource: null, page: null });
  });
});

describe("scrubbing", () => {
  it("templates declared secret places and registered values, whatever the value", () => {
    const rules = defaultScrubRules();
    declareAuth(rules, { type: "api_key", name: "key", location: "query", api_key: "k" });
    declareAuth(rules, { type: "api_key", name: "X-Custom", location: "header", api_key: "k" });
    registerSecret("registered-secret-1");
    const e = describeRequest(
      req("http://h/items?key=anything&q=registered-secret-1&page_token=c2", {
        headers: { "x-custom": "v", authorization: "Basic abc", accept: "application/json" },
      }),
      rules,
    );
    expect(e.request.query).toEqual([
      ["key", SECRET_TEMPLATE],
      ["q", SECRET_TEMPLATE],
      // A cursor is not a secret: it tells pages apart.
      ["page_token", "c2"],
    ]);
    expect(
      scrubRequestHeaders({ "x-custom": "v", authorization: "Basic abc", accept: "a/b" }, rules),
    ).toEqual({
      accept: "a/b",
      authorization: SECRET_TEMPLATE,
      "x-custom": SECRET_TEMPLATE,
    });
  });

  it("scrubs a token request's form and its response's tokens", () => {
    const rules = defaultScrubRules();
    declareAuth(rules, {
      type: "oauth2_client_credentials",
      client_id: "id",
      client_secret: "s",
      token_url: "u",
    });
    const e = describeRequest(
      req("http://h/token", {
        method: "POST",
        body: "grant_type=client_credentials&client_id=me&client_secret=shh",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        context: { kind: "token" },
      }),
      rules,
    );
    expect(e.request.form).toEqual([
      ["grant_type", "client_credentials"],
      ["client_id", SECRET_TEMPLATE],
      ["client_secret", SECRET_TEMPLATE],
    ]);
    expect(scrubTokenResponse({ access_token: "t0k3n", expires_in: 60 }, rules)).toEqual({
      access_token: SECRET_TEMPLATE,
      expires_in: 60,
    });
  });

  it("drops headers of the encoding and the session from responses", () => {
    expect(
      scrubResponseHeaders({
        "content-encoding": "gzip",
        "set-cookie": ["a=b"],
        "x-total": "3",
        "x-auth-token": "t",
      }),
    ).toEqual({ "x-total": "3", "x-auth-token": SECRET_TEMPLATE });
  });
});

describe("templating", () => {
  const vars = { "incremental.start_value": "2024-01-01T00:00:00Z" };
  it("names a declared variable wherever its value appears", () => {
    expect(templateQuery([["since", "2024-01-01T00:00:00Z"]], vars)).toEqual([
      ["since", "{{incremental.start_value}}"],
    ]);
    expect(templateText("updated>2024-01-01T00:00:00Z", vars)).toBe("updated>{{incremental.start_value}}");
    expect(
      templateJson({ filter: { from: "2024-01-01T00:00:00Z" }, n: 7 }, { "incremental.start_value": "7" }),
    ).toEqual({
      filter: { from: "2024-01-01T00:00:00Z" },
      n: "{{incremental.start_value}}",
    });
  });
  it("a short value only as a whole; an undeclared date-time in the query by its parameter", () => {
    expect(templateText("a0b", { v: "0" })).toBe("a0b");
    expect(templateText("0", { v: "0" })).toBe("{{v}}");
    expect(
      templateQuery(
        [
          ["updated_since", "2025-03-04T05:06:07.000Z"],
          ["day", "2025-03-04"],
        ],
        undefined,
      ),
    ).toEqual([
      ["updated_since", "{{var:updated_since}}"],
      ["day", "2025-03-04"],
    ]);
  });
  it("two runs with other start values key alike", () => {
    const rules = defaultScrubRules();
    const at = (v: string) =>
      requestKey(
        describeRequest(
          req(`http://h/items?since=${v}`, {
            context: { kind: "page", resource: "e", page: 0, variables: { "incremental.start_value": v } },
          }),
          rules,
        ),
      );
    expect(at("1000")).toBe(at("2000"));
  });
});

describe("nearest match", () => {
  it("finds the closest recorded request and says what differs", () => {
    const rules = defaultScrubRules();
    const recorded = [
      describeRequest(req("http://h/other?limit=10"), rules),
      describeRequest(req("http://h/items?limit=10&offset=0"), rules),
      describeRequest(
        req("http://h/items?limit=10&offset=0", { context: { kind: "page", resource: "x", page: 0 } }),
        rules,
      ),
    ];
    const sent = describeRequest(req("http://h/items?limit=5&offset=0&extra=1"), rules);
    const near = nearestRequest(sent, recorded);
    expect(near?.candidate).toBe(recorded[1]);
    expect(near?.differences).toEqual([
      'query extra: not recorded, sent "1"',
      'query limit: recorded "10", sent "5"',
    ]);
    expect(nearestRequest(sent, [])).toBeUndefined();
  });
});

describe("cassette file", () => {
  it("keeps integers beyond 2^53 and replays JSON bodies compact", () => {
    expect(prettyJson({ id: 12345678901234567890n })).toBe('{\n  "id": 12345678901234567890\n}');
    expect(responseText({ status: 200, headers: {}, json: { a: [1, 2] } })).toBe('{"a":[1,2]}');
    expect(responseText({ status: 200, headers: {}, text: "<html>" })).toBe("<html>");
  });
});
