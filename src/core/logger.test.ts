import { afterEach, describe, expect, it } from "vitest";
import { createLogger, jsonSink } from "./logger.js";
import { clearSecretsForTests, registerSecret } from "./redact.js";

function capture(): { stream: NodeJS.WritableStream; lines: () => Record<string, unknown>[] } {
  let buf = "";
  const stream = {
    write: (s: string) => {
      buf += s;
      return true;
    },
  } as unknown as NodeJS.WritableStream;
  return {
    stream,
    lines: () =>
      buf
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe("jsonSink", () => {
  afterEach(() => clearSecretsForTests());

  it("writes one flat object per entry: level kept, fields at the top level, never overwriting time/level/msg", () => {
    const out = capture();
    const log = createLogger({ level: "debug", sink: jsonSink(out.stream) });
    log.warn("slow page", { resource: "issues", level: "not-a-level", id: 12345678901234567890n });
    expect(out.lines()).toEqual([
      {
        time: expect.any(String),
        level: "warn",
        msg: "slow page",
        resource: "issues",
        level_field: "not-a-level",
        id: "12345678901234567890",
      },
    ]);
  });

  it("masks secrets at any depth, even ones JSON would escape", () => {
    const secret = 'se"cr\\et-value-42';
    registerSecret(secret);
    const out = capture();
    const log = createLogger({ level: "debug", sink: jsonSink(out.stream) });
    log.error(`token ${secret}`, { request: { headers: { authorization: `Bearer ${secret}` } } });
    const [line] = out.lines();
    expect(JSON.stringify(line)).not.toContain("cr\\\\et-value");
    expect(line).toMatchObject({ msg: "token ***", request: { headers: { authorization: "Bearer ***" } } });
  });
});
