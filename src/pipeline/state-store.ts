import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { PipelineState } from "../load/package.js";
import type { StoredSchema } from "../schema/types.js";
import { readJsonFile, writeJsonAtomic } from "./atomic-file.js";

/** One committed schema version, as the working dir keeps it for history and diffs. */
export interface SchemaVersionRecord {
  version: number;
  version_hash: string;
  committed_at: string;
  /** The load that committed it (absent for a version restored from the destination). */
  load_id?: string;
  schema: StoredSchema;
}

const SCHEMAS_DIR = "schemas";

/**
 * The working dir's copy of the last committed state, and the newest schema (which may run ahead of the
 * destination while packages are pending). The destination holds the authoritative committed copies.
 */
export class LocalStateStore {
  constructor(private readonly workingDir: string) {}

  readState(): PipelineState | null {
    return readJsonFile<PipelineState>(join(this.workingDir, "state.json"));
  }

  writeState(state: PipelineState): void {
    mkdirSync(this.workingDir, { recursive: true });
    writeJsonAtomic(join(this.workingDir, "state.json"), state);
  }

  readSchema(): StoredSchema | null {
    return readJsonFile<StoredSchema>(join(this.workingDir, "schema.json"));
  }

  writeSchema(schema: StoredSchema): void {
    mkdirSync(this.workingDir, { recursive: true });
    writeJsonAtomic(join(this.workingDir, "schema.json"), schema);
  }

  /**
   * Keeps a committed schema version (`schemas/<version>.json`), once per version: the destination's
   * `_sluice_version` holds the same, but viewers must not need the destination (or its lock) to compare.
   */
  recordSchemaVersion(schema: StoredSchema, loadId?: string, now = new Date()): void {
    const dir = join(this.workingDir, SCHEMAS_DIR);
    const file = join(dir, `${String(schema.version).padStart(6, "0")}.json`);
    const known = readJsonFile<SchemaVersionRecord>(file);
    if (known !== null && known.version_hash === schema.version_hash) return;
    mkdirSync(dir, { recursive: true });
    const record: SchemaVersionRecord = {
      version: schema.version,
      version_hash: schema.version_hash,
      committed_at: now.toISOString(),
      ...(loadId === undefined ? {} : { load_id: loadId }),
      schema,
    };
    writeJsonAtomic(file, record);
  }

  /** Committed schema versions, oldest first. */
  schemaHistory(): SchemaVersionRecord[] {
    const dir = join(this.workingDir, SCHEMAS_DIR);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((f) => /^\d+\.json$/.test(f))
      .sort()
      .flatMap((f) => readJsonFile<SchemaVersionRecord>(join(dir, f)) ?? []);
  }

  /** A full refresh drops the dataset: its state, schema and schema history go with it. */
  removeAll(): void {
    rmSync(join(this.workingDir, "state.json"), { force: true });
    rmSync(join(this.workingDir, "schema.json"), { force: true });
    rmSync(join(this.workingDir, SCHEMAS_DIR), { recursive: true, force: true });
  }
}

export function emptyState(pipelineName: string): PipelineState {
  return { pipeline_name: pipelineName, version: 0, resources: {} };
}
