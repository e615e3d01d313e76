import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, SluiceError } from "../core/errors.js";
import { clearSecretsForTests, registerSecret } from "../core/redact.js";
import { reportError } from "./report-error.js";

function capture(): { stream: NodeJS.WritableStream; text: () => string } {
  let buf = "";
  const write = (s: string): boolean => {
    buf += s;
    return true;
  };
  return { stream: { write } as unknown as NodeJS.WritableStream, text: () => buf };
}

describe("reportError", () => {
  afterEach(() => clearSecretsForTests());

  it("config errors: every issue, then the hint; exit 2", () => {
    const out = capture();
    const code = reportError(
      new ConfigError([{ path: "client.base_url", message: "is required" }]),
      out.stream,
      false,
    );
    expect(code).toBe(2);
    expect(out.text()).toBe(
      "error: Invalid config:\n  - client.base_url: is required\nhint: Fix the config at the places listed above, then run `sluice validate <config>`.\n",
    );
  });

  it("run failures: one error line and a hint; exit 1; stack only with verbose; secrets masked", () => {
    registerSecret("s3cr3t-token");
    const err = new SluiceError("GET https://api.example/x?t=s3cr3t-token → 503 after 3 retries", {
      code: "HTTP_STATUS",
      hint: "the API is down: try again later",
    });
    const quiet = capture();
    expect(reportError(err, quiet.stream, false)).toBe(1);
    expect(quiet.text()).toBe(
      "error: GET https://api.example/x?t=*** → 503 after 3 retries\nhint: the API is down: try again later\n",
    );
    const loud = capture();
    reportError(err, loud.stream, true);
    expect(loud.text()).toMatch(/^\s+at /m);
    expect(loud.text()).not.toContain("s3cr3t-token");
  });

  it("reads code and hint by shape (errors from a second copy of sluice) and suggests --verbose otherwise", () => {
    const foreign = Object.assign(new Error("Missing secret: api_key"), {
      code: "SECRET_MISSING",
      hint: "set API_KEY",
    });
    const a = capture();
    expect(reportError(foreign, a.stream, false)).toBe(2);
    expect(a.text()).toContain("hint: set API_KEY");
    const b = capture();
    expect(reportError(new TypeError("x is undefined"), b.stream, false)).toBe(1);
    expect(b.text()).toBe("error: x is undefined\nhint: re-run with --verbose to see the stack trace\n");
  });
});

describe("reportError --log-format json", () => {
  it("writes one JSON object with the message, hint, code and exit code", () => {
    const out = capture();
    const err = new SluiceError("GET http://x/y → 500", { code: "HTTP_STATUS", hint: "try later" });
    expect(reportError(err, out.stream, false, "json")).toBe(1);
    const line = JSON.parse(out.text()) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: "error",
      msg: "GET http://x/y → 500",
      hint: "try later",
      code: "HTTP_STATUS",
      exit_code: 1,
    });
    expect(out.text().trim().split("\n")).toHaveLength(1);
  });
});
