import { afterEach, describe, expect, it } from "vitest";
import { clearSecretsForTests, maskUrl, redact, registerSecret } from "./redact.js";

describe("redact", () => {
  afterEach(() => clearSecretsForTests());

  it("masks registered secrets and their URL-encoded forms", () => {
    registerSecret("s3cr3t/value");
    expect(redact("token=s3cr3t/value and s3cr3t%2Fvalue")).toBe("token=*** and ***");
  });

  it("masks the form-encoded and JSON-escaped spellings an API's error body may echo", () => {
    registerSecret('pa ss"wo\\rd');
    expect(redact("client_secret=pa+ss%22wo%5Crd&x=1")).toBe("client_secret=***&x=1");
    expect(redact(JSON.stringify({ authorization: 'Bearer pa ss"wo\\rd' }))).toBe(
      '{"authorization":"Bearer ***"}',
    );
  });

  it("masks sensitive query params and userinfo in URLs", () => {
    expect(maskUrl("https://u:p@h.example/x?api_key=abc&page=2&access_token=t")).toBe(
      "https://***:***@h.example/x?page=2&api_key=***&access_token=***",
    );
  });
});
