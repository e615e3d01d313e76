import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { PipelineState } from "../load/package.js";
import type { StoredSchema } from "../schema/types.js";
import { readJsonFile, writeJsonAtomic } from "./atomic-file.js";

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

  removeAll(): void {
    rmSync(join(this.workingDir, "state.json"), { force: true });
    rmSync(join(this.workingDir, "schema.json"), { force: true });
  }
}

export function emptyState(pipelineName: string): PipelineState {
  return { pipeline_name: pipelineName, version: 0, resources: {} };
}
