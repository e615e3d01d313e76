import { afterEach, describe, expect, it } from "vitest";
import { clearSecretsForTests, maskUrl, redact, registerSecret } from "./redact.js";

describe("redact", () => {
  afterEach(() => clearSecretsForTests());

  it("masks registered secrets and their URL-encoded forms", () => {
    registerSecret("s3cr3t/value");
    expect(redact("token=s3cr3t/value and s3cr3t%2Fvalue")).toBe("token=*** and ***");
  });

  it("masks sensitive query params and userinfo in URLs", () => {
    expect(maskUrl("https://u:p@h.example/x?api_key=abc&page=2&access_token=t")).toBe(
      "https://***:***@h.example/x?page=2&api_key=***&access_token=***",
    );
  });
});
