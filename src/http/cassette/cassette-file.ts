import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SluiceError } from "../../core/errors.js";
import { isPlainObject } from "../../core/json.js";
import { parseJson } from "../../core/json-parse.js";
import { recordToJson } from "../../core/record-json.js";
import type { ExchangeRequest } from "./request-key.js";

/** An answer as a cassette stores it: the body decoded, JSON as a readable value, anything else as text. */
export interface RecordedResponse {
  status: number;
  headers: Record<string, string | string[]>;
  json?: unknown;
  text?: string;
}

export interface CassetteExchange extends ExchangeRequest {
  response: RecordedResponse;
}

export interface CassetteFile {
  version: 1;
  pipeline: string;
  recorded_at: string;
  exchanges: CassetteExchange[];
}

export const CASSETTE_SUFFIX = ".cassette.json";

/** One cassette per pipeline in a directory: several pipelines can share one. */
export function cassettePath(dir: string, pipeline: string): string {
  return join(dir, `${pipeline}${CASSETTE_SUFFIX}`);
}

const BIGINT_MARK = "\u0000bigint:";

/** Pretty JSON that keeps integers beyond 2^53 as their digits, as the API sent them. */
export function prettyJson(value: unknown): string {
  const text = JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? `${BIGINT_MARK}${v}` : v), 2);
  return text.replace(/"\\u0000bigint:(-?\d+)"/g, "$1");
}

/** The text a recorded body replays as: compact JSON (parsed as the original was) or the text itself. */
export function responseText(r: RecordedResponse): string {
  if (r.json !== undefined) return recordToJson(r.json);
  return r.text ?? "";
}

export function writeCassette(path: string, file: CassetteFile): void {
  mkdirSync(join(path, ".."), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${prettyJson(file)}\n`);
  renameSync(tmp, path);
}

export function readCassette(path: string, dir: string): CassetteFile {
  if (!existsSync(path)) {
    const others = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(CASSETTE_SUFFIX)) : undefined;
    throw new SluiceError(`no cassette at ${path}`, {
      code: "CASSETTE_MISSING",
      hint:
        others === undefined
          ? `record one first: sluice run <config> --record ${dir}`
          : others.length > 0
            ? `${dir} holds ${others.join(", ")}: pass the same --pipeline as when it was recorded, or record this one with --record ${dir}`
            : `record one first: sluice run <config> --record ${dir}`,
    });
  }
  let parsed: unknown;
  try {
    parsed = parseJson(readFileSync(path, "utf8"));
  } catch (err) {
    throw new SluiceError(`cassette ${path} is not valid JSON: ${(err as Error).message}`, {
      code: "CASSETTE_INVALID",
      hint: "record it again with --record <dir> --update",
    });
  }
  if (!isPlainObject(parsed) || parsed.version !== 1 || !Array.isArray(parsed.exchanges))
    throw new SluiceError(`cassette ${path} is not a sluice cassette (version 1 with exchanges)`, {
      code: "CASSETTE_INVALID",
      hint: "record it again with --record <dir> --update",
    });
  return parsed as unknown as CassetteFile;
}
