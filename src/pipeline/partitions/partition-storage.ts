import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import type { JsonValue } from "../../core/json.js";
import { readJsonFile, writeJsonAtomic } from "../atomic-file.js";

/**
 * Where the partitions of a scaled-out run meet: every worker writes its partitions here and the load
 * reads them all. The interface works in local directories, so a remote store (an S3-compatible bucket)
 * fits behind it: `workDir` a local scratch directory, `seal` an upload of it, `open` a download.
 */
export interface PartitionStorage {
  /** Where it is, for messages. */
  readonly location: string;
  /** A local directory for partition `key` of run `run`, kept across attempts so a retry can resume. */
  workDir(run: string, key: string): Promise<string>;
  /** Publishes a finished partition (atomically): `result` becomes what `open` returns. */
  seal(run: string, key: string, result: JsonValue): Promise<void>;
  /** A sealed partition's result and a local directory holding its files; null when not sealed. */
  open(run: string, key: string): Promise<{ result: JsonValue; dir: string } | null>;
  /** Small run-wide documents (the committed schema and state the run started from). */
  writeRunFile(run: string, name: string, value: JsonValue): Promise<void>;
  readRunFile(run: string, name: string): Promise<JsonValue | null>;
  /** Removes everything of a run. */
  removeRun(run: string): Promise<void>;
  /** Runs with files here, for cleanup of runs that never finished. */
  listRuns(): Promise<string[]>;
}

const RESULT = "result.json";

/** A directory every worker reaches: a local path on one host, a network file system across hosts. */
export class DirectoryPartitionStorage implements PartitionStorage {
  readonly location: string;

  constructor(root: string) {
    this.location = resolve(root);
  }

  private runDir(run: string): string {
    // Run keys come from workflow ids: keep them one directory level, whatever they contain.
    return join(this.location, encodeURIComponent(run));
  }

  async workDir(run: string, key: string): Promise<string> {
    const dir = join(this.runDir(run), key);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  async seal(run: string, key: string, result: JsonValue): Promise<void> {
    writeJsonAtomic(join(await this.workDir(run, key), RESULT), result);
  }

  async open(run: string, key: string): Promise<{ result: JsonValue; dir: string } | null> {
    const dir = join(this.runDir(run), key);
    const result = readJsonFile<JsonValue>(join(dir, RESULT));
    return result === null ? null : { result, dir };
  }

  async writeRunFile(run: string, name: string, value: JsonValue): Promise<void> {
    mkdirSync(this.runDir(run), { recursive: true });
    writeJsonAtomic(join(this.runDir(run), name), value);
  }

  async readRunFile(run: string, name: string): Promise<JsonValue | null> {
    return readJsonFile<JsonValue>(join(this.runDir(run), name));
  }

  async removeRun(run: string): Promise<void> {
    rmSync(this.runDir(run), { recursive: true, force: true });
  }

  async listRuns(): Promise<string[]> {
    try {
      return readdirSync(this.location).map((d) => decodeURIComponent(d));
    } catch {
      return [];
    }
  }
}
