import { basename, extname } from "node:path";
import {
  checkConfig,
  type LoadedConfig,
  loadConfigFile,
  locateIssues,
  type RestApiConfig,
  type SourcePositions,
} from "../config/index.js";
import { ConfigError, type ConfigIssue } from "../core/errors.js";
import type { Source } from "../core/resource.js";
import { sourceBuildIssues } from "../sources/rest_api/index.js";
import { expandEnv } from "./env-interpolation.js";
import type { CliIO } from "./io.js";

/** A config file, read and checked: either a validated config object or a ready source from a module. */
export type ConfigInput =
  | {
      kind: "config";
      file: string;
      config: RestApiConfig;
      warnings: ConfigIssue[];
      /** Where each config path sits in the file, for messages that point at it. */
      positions: SourcePositions;
    }
  | { kind: "source"; file: string; source: Source };

/** The default pipeline name: the config file's stem (`analytics.yaml` → `analytics`). */
export function configStem(path: string): string {
  return basename(path, extname(path));
}

/**
 * Loads a config file, expands `${env.*}`, and validates it, collecting every problem into one
 * `ConfigError`. Secrets are not resolved here: `validate` must work without them.
 */
export async function readConfigInput(path: string, io: CliIO): Promise<ConfigInput> {
  const loaded: LoadedConfig = await loadConfigFile(path);
  if (loaded.kind === "source") return { kind: "source", file: loaded.file, source: loaded.source };
  const expanded = expandEnv(loaded.config, io.env, loaded.file);
  const where = { file: loaded.file, positions: loaded.positions };
  const result = checkConfig(expanded, where);
  // The source's own build checks too, so `validate` and `run` refuse the same configs the same way.
  const errors = result.config ? locateIssues(sourceBuildIssues(result.config), where) : result.errors;
  if (!result.config || errors.length > 0) {
    const n = errors.length;
    throw new ConfigError(errors, `Invalid config in ${loaded.file} (${n} problem${n === 1 ? "" : "s"})`);
  }
  return {
    kind: "config",
    file: loaded.file,
    config: result.config,
    warnings: result.warnings,
    positions: loaded.positions,
  };
}
