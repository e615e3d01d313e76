import { describe, expect, it } from "vitest";
import type { HttpError } from "./errors.js";
import { prepareRequest } from "./request.js";
import { type Attempted, settle } from "./settle.js";
import type { HttpResponse } from "./types.js";

const req = prepareRequest("https://api.test", { path: "/items", params: { page: 2 } });
const response = (status: number, text: string, contentType = "application/json"): HttpResponse => ({
  status,
  headers: { "content-type": contentType },
  url: "https://api.test/items?page=2",
  body: undefined,
  text,
});
const answered = (r: HttpResponse): Attempted => ({
  status: r.status,
  response: r,
  sentAuthorization: undefined,
});
const failure = (run: () => unknown) => {
  try {
    run();
  } catch (err) {
    return err as HttpError;
  }
  throw new Error("no error");
};

describe("settle", () => {
  it("an accepted response drops its text; an ignored one is marked", () => {
    const ok = response(200, '{"a":1}');
    expect(settle({ result: answered(ok), step: { step: "accept" }, attempts: 1 }, req, "items")).toBe(ok);
    expect(ok.text).toBeUndefined();
    const gone = response(404, "nope");
    expect(
      settle({ result: answered(gone), step: { step: "ignore" }, attempts: 1 }, req, "items").ignored,
    ).toBe(true);
  });

  it("a failure names the resource, the status, the attempts and the kind of failure", () => {
    const status = failure(() =>
      settle(
        { result: answered(response(503, "busy")), step: { step: "fail", reason: "status" }, attempts: 4 },
        req,
        "items",
      ),
    );
    expect(status.message).toBe(
      'resource "items": GET https://api.test/items?page=2 → 503: Service Unavailable (application/json) after 4 attempts; body: busy',
    );
    const action = failure(() =>
      settle(
        { result: answered(response(200, "{}")), step: { step: "fail", reason: "action" }, attempts: 1 },
        req,
        "items",
      ),
    );
    expect(action.message).toMatch(/→ 200: failed by a response action/);
    const cut = failure(() =>
      settle(
        { result: answered(response(200, '{"a":')), step: { step: "fail", reason: "not-json" }, attempts: 1 },
        req,
        undefined,
      ),
    );
    expect([cut.code, cut.message]).toEqual([
      "HTTP_NOT_JSON",
      'GET https://api.test/items?page=2 → 200: the body is not valid JSON (cut off or malformed) (application/json); body: {"a":',
    ]);
    const html = failure(() =>
      settle(
        {
          result: answered(response(200, "<html>", "text/html")),
          step: { step: "fail", reason: "not-json" },
          attempts: 1,
        },
        req,
        undefined,
      ),
    );
    expect(html.message).toMatch(/the body is not JSON \(text\/html\)/);
  });

  it("a transport error is a connection failure on the request's own URL", () => {
    const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    const err = failure(() =>
      settle(
        { result: { error: reset }, step: { step: "fail", reason: "connection" }, attempts: 4 },
        req,
        "items",
      ),
    );
    expect([err.code, err.message]).toEqual([
      "HTTP_CONNECTION",
      'resource "items": GET https://api.test/items?page=2: request failed (ECONNRESET: socket hang up) after 4 attempts',
    ]);
  });
});
