import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCliIn, tempDir } from "../support/demo-cli.js";
import { sendJson, startHttpServer, type TestServer } from "../support/http-server.js";

const TOKEN = "tok-json-logs-9f3e1c7a5b";
const LEVELS = ["debug", "info", "warn", "error"];

/** `--log-format json`: every line of stdout and stderr is one JSON object, levels kept, nothing nested, no secret. */
describe("sluice run --log-format json", () => {
  let api: TestServer;
  let scratch: ReturnType<typeof tempDir>;
  let config: string;
  let calls = 0;

  beforeAll(async () => {
    // The first request of each run gets a 503 (a retry, logged as a warning), the rest a page.
    api = await startHttpServer((req, res) => {
      calls++;
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return sendJson(res, { error: "no" }, 401);
      if (req.query.get("fail") === "once" && calls % 2 === 1) return sendJson(res, { error: "busy" }, 503);
      sendJson(res, { items: [{ id: 1, token_echo: "x" }, { id: 2 }] });
    });
    scratch = tempDir("jsonlogs");
    config = join(scratch.dir, "api.json");
    writeFileSync(
      config,
      JSON.stringify({
        client: {
          base_url: `${api.url}/`,
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a sluice secret reference, not a JS template
          auth: { type: "bearer", token: "${secrets.api_token}" },
          error_handler: { retry_on_status_codes: [503], max_retries: 2, backoff_factor: 0.01 },
        },
        resources: [
          {
            name: "things",
            endpoint: {
              path: "things",
              params: { fail: "once" },
              data_selector: "items",
              paginator: "single_page",
            },
          },
        ],
      }),
    );
  });
  afterAll(async () => {
    await api?.close();
    scratch?.remove();
  });

  const cli = (args: string[], token = TOKEN) => runCliIn(scratch.dir, args, { API_TOKEN: token });

  const parseLines = (text: string): Record<string, unknown>[] =>
    text
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => {
        let v: unknown;
        expect(() => {
          v = JSON.parse(l);
        }, l).not.toThrow();
        expect(typeof v === "object" && v !== null && !Array.isArray(v), l).toBe(true);
        return v as Record<string, unknown>;
      });

  it("prints one flat JSON object per line, warnings as warn, the summary as JSON, and never the token", async () => {
    calls = 0;
    const r = await cli(["--log-format", "json", "run", config, "--pipeline", "json_ok"]);
    expect(r.code, r.stderr).toBe(0);
    const lines = [...parseLines(r.stderr), ...parseLines(r.stdout)];
    for (const line of lines) {
      expect(typeof line.time).toBe("string");
      expect(LEVELS).toContain(line.level);
      expect(typeof line.msg).toBe("string");
      // Nothing double-encoded: no message is itself a JSON record.
      expect(String(line.msg).trimStart().startsWith("{"), String(line.msg)).toBe(false);
    }
    const warn = lines.find((l) => l.level === "warn");
    expect(warn, r.stderr).toMatchObject({ resource: "things", msg: expect.stringContaining("503") });
    expect(warn?.msg).toContain("retry 1/2");
    const summary = parseLines(r.stdout);
    expect(summary).toHaveLength(1);
    expect(summary[0]).toMatchObject({ pipeline: "json_ok", tables: { things: 2 }, records: { things: 2 } });
    expect(`${r.stdout}${r.stderr}`).not.toContain(TOKEN);
  }, 60_000);

  it("reports a failed run as one JSON error line with its hint", async () => {
    const r = await cli(
      ["--log-format", "json", "run", config, "--pipeline", "json_fail"],
      "wrong-token-json-logs",
    );
    expect(r.code).toBe(1);
    const lines = [...parseLines(r.stderr), ...parseLines(r.stdout)];
    const errors = lines.filter((l) => l.level === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ msg: expect.stringContaining("401"), hint: expect.any(String) });
    expect(`${r.stdout}${r.stderr}`).not.toContain("wrong-token-json-logs");
  }, 60_000);

  it("--log-level warn hides progress but still prints warnings", async () => {
    calls = 0;
    const r = await cli(["--log-level", "warn", "run", config, "--pipeline", "warn_text"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/WARN .*503.*retry 1\/2/);
    expect(r.stderr).not.toContain("extract things");
  }, 60_000);
});
