import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, expect } from "vitest";
import { main } from "../../src/cli/main.js";
import { tempDir } from "./demo-cli.js";
import { type RecordedRequest, sendJson, startHttpServer, type TestServer } from "./http-server.js";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function sink(): { stream: Writable; text: () => string } {
  let text = "";
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

export interface ConfigVerdicts {
  /** The loopback API every config points at; it counts requests (read once the suite has started). */
  api: { readonly url: string; readonly requests: RecordedRequest[] };
  /** Runs the CLI in-process in the scratch dir. */
  cli(args: string[], env?: Record<string, string>): Promise<CliRun>;
  /** Writes a config (base_url set to the API) and returns its path. */
  configFile(config: Record<string, unknown>): string;
  /** validate fails (1), run refuses (2) with the same text, no request was sent; returns the issue lines. */
  refused(config: Record<string, unknown>): Promise<string[]>;
  /** validate calls the config valid. */
  accepted(config: Record<string, unknown>): Promise<void>;
}

/** validate's issue lines (`  - file:line:col path: message (hint)`), without file positions. */
export function issueLines(stderr: string): string[] {
  return stderr
    .split("\n")
    .filter((l) => l.startsWith("  - "))
    .map((l) => l.replace(/^ {2}- \S+:\d+:\d+ /, "- "));
}

/**
 * The harness for "validate and run give one verdict, before any request": registers the suite's
 * loopback API and scratch dir (beforeAll/afterAll) and returns the helpers.
 */
export function useConfigVerdicts(name: string, body: unknown = [{ id: 1 }]): ConfigVerdicts {
  let server: TestServer | undefined;
  let scratch: ReturnType<typeof tempDir> | undefined;
  let n = 0;
  beforeAll(async () => {
    server = await startHttpServer((_req, res) => sendJson(res, body));
    scratch = tempDir(name);
  });
  afterAll(async () => {
    await server?.close();
    scratch?.remove();
  });
  const dir = () => scratch!.dir;
  const api = {
    get url(): string {
      return server!.url;
    },
    get requests(): RecordedRequest[] {
      return server!.requests;
    },
  };

  const cli = async (args: string[], env: Record<string, string> = {}): Promise<CliRun> => {
    const out = sink();
    const err = sink();
    const code = await main(args, {
      stdout: out.stream,
      stderr: err.stream,
      env: { SLUICE_PIPELINES_DIR: join(dir(), "pipelines"), CI: "true", ...env },
      cwd: dir(),
      isTTY: false,
    });
    return { code, stdout: out.text(), stderr: err.text() };
  };

  const configFile = (config: Record<string, unknown>): string => {
    const file = join(dir(), `config-${++n}.json`);
    writeFileSync(file, JSON.stringify({ client: { base_url: api.url }, ...config }, null, 2));
    return file;
  };

  const refused = async (config: Record<string, unknown>): Promise<string[]> => {
    const file = configFile(config);
    const before = api.requests.length;
    const validate = await cli(["validate", file]);
    const run = await cli(["run", file]);
    expect(validate.code, validate.stderr).toBe(1);
    expect(run.code, run.stderr).toBe(2);
    expect(api.requests.length - before).toBe(0);
    expect(run.stderr).toBe(validate.stderr);
    return issueLines(validate.stderr);
  };

  const accepted = async (config: Record<string, unknown>): Promise<void> => {
    const r = await cli(["validate", configFile(config)]);
    expect(r.code, r.stderr).toBe(0);
  };

  return { api, cli, configFile, refused, accepted };
}
