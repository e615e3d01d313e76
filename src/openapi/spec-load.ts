import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { dereference } from "@readme/openapi-parser";
import { parse as parseYaml } from "yaml";
import { SluiceError } from "../core/errors.js";

/** A parsed and dereferenced spec, as plain (possibly circular) objects. */
export interface LoadedSpec {
  /** Where it came from, for messages and the generated config's header. */
  source: string;
  /** "2.0" (Swagger), "3.0" or "3.1". */
  version: "2.0" | "3.0" | "3.1";
  doc: Record<string, unknown>;
}

/**
 * Reads an OpenAPI 3.0/3.1 or Swagger 2.0 document (JSON or YAML, a file or an http(s) URL) and resolves
 * every `$ref`, internal and external, with @readme/openapi-parser. Circular schemas stay circular objects:
 * the detectors walk them with a depth bound.
 */
export async function loadSpec(input: string, cwd: string): Promise<LoadedSpec> {
  const isUrl = /^https?:\/\//i.test(input);
  let text: string;
  try {
    text = isUrl
      ? await (await fetch(input, { signal: AbortSignal.timeout(30_000) })).text()
      : await readFile(resolve(cwd, input), "utf8");
  } catch (err) {
    throw new SluiceError(`Cannot read the OpenAPI spec ${input}: ${(err as Error).message}`, {
      code: "OPENAPI_READ",
      hint: isUrl ? "Check the URL, or download the spec and pass the file." : "Check the path.",
      cause: err,
    });
  }
  let raw: unknown;
  try {
    raw = /^\s*[{[]/.test(text) ? JSON.parse(text) : parseYaml(text, { maxAliasCount: -1 });
  } catch (err) {
    throw new SluiceError(`${input} is neither JSON nor YAML: ${(err as Error).message.split("\n")[0]}`, {
      code: "OPENAPI_PARSE",
      hint: "Pass an OpenAPI 3.x or Swagger 2.0 document.",
      cause: err,
    });
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw))
    throw new SluiceError(`${input} is not an OpenAPI document (no top-level object)`, {
      code: "OPENAPI_PARSE",
    });
  const obj = raw as Record<string, unknown>;
  const declared = String(obj["openapi"] ?? obj["swagger"] ?? "");
  const version = declared.startsWith("3.1")
    ? "3.1"
    : declared.startsWith("3.")
      ? "3.0"
      : declared.startsWith("2.")
        ? "2.0"
        : undefined;
  if (version === undefined)
    throw new SluiceError(`${input} declares no OpenAPI version ("openapi: 3.x" or "swagger: 2.0")`, {
      code: "OPENAPI_PARSE",
      hint: "sluice reads OpenAPI 3.0, 3.1 and Swagger 2.0.",
    });
  let doc: Record<string, unknown>;
  try {
    // From the file or URL itself, so relative external $refs resolve against it.
    doc = (await dereference((isUrl ? input : resolve(cwd, input)) as never, {
      dereference: { circular: true },
    })) as unknown as Record<string, unknown>;
  } catch (err) {
    throw new SluiceError(
      `Cannot resolve the references of ${input}: ${(err as Error).message.split("\n")[0]}`,
      {
        code: "OPENAPI_REF",
        hint: "A $ref points at something missing; fix the spec or bundle it first.",
        cause: err,
      },
    );
  }
  return { source: input, version, doc };
}
