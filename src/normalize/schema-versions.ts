import type { StoredSchema } from "../schema/types.js";
import { cloneSchema, schemaContentHash } from "../schema/version.js";

/** Where a SchemaVersions stood, so one in another thread goes on from there (plain data). */
export interface VersionsPosition {
  given: string[];
  baselineHash: string;
  lastHash: string;
}

/**
 * Publishes the schema the normalizer evolves: snapshots with `version` bumped once per change, and whether
 * it changed since a baseline. Changes are only noted (`touch`) on the way; the content hash decides
 * whether anything really changed, so a change that was rolled back or re-applied counts as none.
 */
export class SchemaVersions {
  /** Tables of the schema the normalizer started from. */
  private readonly given: ReadonlySet<string>;
  private dirty = false;
  private lastHash: string;
  private baselineHash: string;

  constructor(
    private readonly stored: StoredSchema,
    from?: VersionsPosition,
  ) {
    if (from !== undefined) {
      this.given = new Set(from.given);
      this.lastHash = from.lastHash;
      this.baselineHash = from.baselineHash;
      this.dirty = true;
      return;
    }
    this.given = new Set(Object.keys(stored.tables));
    this.lastHash = schemaContentHash(this.visible());
    if (stored.version_hash === "") stored.version_hash = this.lastHash;
    this.baselineHash = this.lastHash;
  }

  position(): VersionsPosition {
    return { given: [...this.given], baselineHash: this.baselineHash, lastHash: this.lastHash };
  }

  /** Notes that the schema may have changed. */
  touch(): void {
    this.dirty = true;
  }

  /** True if the schema changed since construction (or since `markClean()`). */
  get changed(): boolean {
    if (!this.dirty && this.lastHash === this.baselineHash) return false;
    return schemaContentHash(this.visible()) !== this.baselineHash;
  }

  markClean(): void {
    this.baselineHash = schemaContentHash(this.visible());
  }

  /** Current schema snapshot; `version` bumped and `version_hash` recomputed if anything changed. */
  snapshot(): StoredSchema {
    if (this.dirty) {
      const hash = schemaContentHash(this.visible());
      if (hash !== this.lastHash) {
        this.stored.version += 1;
        this.stored.version_hash = hash;
        this.lastHash = hash;
      }
      this.dirty = false;
    }
    return cloneSchema(this.visible());
  }

  /**
   * The schema as published: as in dlt, a table exists once it has had a row, so a resource that yields
   * nothing (column hints or not) adds no table to the schema, the package or the destination. Tables of
   * the given schema stay (a replace with no rows must still empty them).
   */
  private visible(): StoredSchema {
    const tables: StoredSchema["tables"] = {};
    for (const [name, t] of Object.entries(this.stored.tables))
      if (t.seen_data === true || this.given.has(name)) tables[name] = t;
    return { ...this.stored, tables };
  }
}
