import { readFile } from "node:fs/promises";
import Module, { register as registerHooks } from "node:module";
import { extname, resolve as resolvePath } from "node:path";
import { pathToFileURL } from "node:url";
import JSON5 from "json5";
import { parse as parseToml } from "smol-toml";
import { ConfigError, SluiceError } from "../core/errors.js";
import { isPlainObject } from "../core/json.js";
import type { Source } from "../core/resource.js";
import { jsonPositions, parseYamlWithPositions, type SourcePositions, tomlPositions } from "./positions.js";

/** What a config file holds: a config object (validated later) or, from a module, a ready source. */
export type LoadedConfig =
  | { kind: "config"; config: unknown; file: string; positions: SourcePositions }
  | { kind: "source"; source: Source; file: string };

const MODULE_EXTENSIONS = [".ts", ".mts", ".cts", ".js", ".mjs", ".cjs"];
export const CONFIG_EXTENSIONS = [".json", ".json5", ".yaml", ".yml", ".toml", ...MODULE_EXTENSIONS];

/**
 * Reads a config file. JSON and JSON5 (comments allowed in both), YAML and TOML are parsed as data,
 * with the position of every value kept for error messages. `.ts`/`.js` modules are
 * imported, with no build step, and their default export is a config object or a source. The result
 * is not validated: pass `config` and `positions` to `validateConfig`.
 */
export async function loadConfigFile(path: string): Promise<LoadedConfig> {
  const file = resolvePath(path);
  const ext = extname(file).toLowerCase();
  if (!CONFIG_EXTENSIONS.includes(ext)) {
    throw new SluiceError(`Unsupported config file type "${ext || "(none)"}": ${path}`, {
      code: "CONFIG_FILE_TYPE",
      hint: `use one of ${CONFIG_EXTENSIONS.join(", ")}`,
    });
  }
  if (MODULE_EXTENSIONS.includes(ext)) return loadModule(file, path);

  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new SluiceError(`Cannot read config file ${path}${code ? ` (${code})` : ""}`, {
      code: "CONFIG_FILE_UNREADABLE",
      hint:
        code === "ENOENT"
          ? "check the path; it is relative to the current directory"
          : "check the file's permissions",
    });
  }
  if (ext === ".yaml" || ext === ".yml") {
    const { value, positions, errors } = parseYamlWithPositions(text);
    if (errors.length > 0)
      throw new ConfigError(
        errors.map((e) => ({
          path: "",
          message: e.message,
          file: path,
          line: e.line,
          column: e.column,
          ...(e.hint === undefined ? {} : { hint: e.hint }),
        })),
        `Cannot parse YAML in ${path}`,
      );
    return { kind: "config", config: value, file: path, positions };
  }
  if (ext === ".toml") {
    try {
      const config = tomlToPlain(parseToml(text));
      return { kind: "config", config, file: path, positions: tomlPositions(text) };
    } catch (err) {
      const e = err as { line?: number; column?: number; message?: string };
      throw new ConfigError(
        [{ path: "", message: firstLine(e.message), file: path, ...lineColumn(e.line, e.column) }],
        `Cannot parse TOML in ${path}`,
      );
    }
  }
  let value: unknown;
  try {
    // Plain JSON is by far the common case and JSON.parse is many times faster; JSON5 reads the rest
    // (comments, trailing commas) and gives the better syntax error message.
    value = ext === ".json" ? parseJsonFast(text) : JSON5.parse(text);
  } catch (err) {
    const e = err as { lineNumber?: number; columnNumber?: number; message?: string };
    throw new ConfigError(
      [
        {
          path: "",
          message: firstLine(e.message).replace(/^JSON5: /, ""),
          file: path,
          ...lineColumn(e.lineNumber, e.columnNumber),
        },
      ],
      `Cannot parse ${ext === ".json" ? "JSON" : "JSON5"} in ${path}`,
    );
  }
  return { kind: "config", config: value, file: path, positions: jsonPositions(text) };
}

function parseJsonFast(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return JSON5.parse(text);
  }
}

function firstLine(message: string | undefined): string {
  return (message ?? "syntax error").split("\n")[0]!;
}

function lineColumn(
  line: number | undefined,
  column: number | undefined,
): { line?: number; column?: number } {
  return { ...(line === undefined ? {} : { line }), ...(column === undefined ? {} : { column }) };
}

/** TOML dates become ISO strings: the config language has no date type (cursor values are strings). */
function tomlToPlain(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(tomlToPlain);
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = tomlToPlain(v);
    return out;
  }
  return value;
}

let hooksReady = false;

/**
 * Lets config modules import "sluice" and TypeScript without a build step: tsx compiles `.ts`, and a
 * resolve hook points the specifier "sluice" at the copy of sluice that is running, so a config in any
 * folder works, and the config shares this process's secret registry.
 */
async function ensureHooks(): Promise<void> {
  if (hooksReady) return;
  hooksReady = true;
  const ownUrl = import.meta.url;
  if (ownUrl.endsWith(".ts")) {
    const { register } = await import("tsx/esm/api");
    register();
  }
  const entry = new URL(ownUrl.endsWith(".ts") ? "../index.ts" : "../index.js", ownUrl).href;
  const hook = `export async function resolve(specifier, context, next) {
  if (specifier === "sluice") return { url: ${JSON.stringify(entry)}, shortCircuit: true };
  return next(specifier, context);
}`;
  registerHooks(`data:text/javascript,${encodeURIComponent(hook)}`);
  // tsx compiles a `.ts` file outside an ESM package to CommonJS, whose `require` skips ESM hooks and
  // cannot load ESM on Node 20: hand such a config the already-loaded API through the require cache.
  const api: unknown = await import(entry);
  const cjs = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const original = cjs._load;
  cjs._load = function (this: unknown, request: string, ...rest: unknown[]) {
    return request === "sluice" ? api : original.call(this, request, ...rest);
  };
}

async function loadModule(file: string, shown: string): Promise<LoadedConfig> {
  await ensureHooks();
  let mod: { default?: unknown };
  try {
    if (/\.[cm]?ts$/i.test(file)) {
      const { tsImport } = await import("tsx/esm/api");
      mod = (await tsImport(pathToFileURL(file).href, import.meta.url)) as { default?: unknown };
    } else {
      mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
    }
  } catch (err) {
    if (err instanceof SluiceError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new SluiceError(`Cannot load config module ${shown}: ${firstLine(message)}`, {
      code: "CONFIG_MODULE_FAILED",
      hint: "run it with `npx tsx <file>` to see the full error",
      cause: err,
    });
  }
  let value = mod.default;
  // A CommonJS-compiled module arrives as { default: exports }, its own default one level down.
  if (typeof value === "object" && value !== null && "default" in value && !("client" in value)) {
    value = (value as { default: unknown }).default;
  }
  if (isSource(value)) return { kind: "source", source: value, file: shown };
  if (isPlainObject(value)) return { kind: "config", config: value, file: shown, positions: new Map() };
  throw new ConfigError(
    [
      {
        path: "",
        file: shown,
        message:
          value === undefined ? "the module has no default export" : `the default export is ${typeof value}`,
        hint: "export default a config object ({ client, resources }) or a source (restApiSource(...))",
      },
    ],
    `Invalid config module ${shown}`,
  );
}

export function isSource(value: unknown): value is Source {
  if (typeof value !== "object" || value === null) return false;
  const v = value as { name?: unknown; resources?: unknown; client?: unknown };
  return (
    typeof v.name === "string" &&
    v.client === undefined &&
    Array.isArray(v.resources) &&
    v.resources.every(
      (r) => typeof r === "object" && r !== null && typeof (r as { read?: unknown }).read === "function",
    )
  );
}
