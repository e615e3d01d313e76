import { describe, expect, it } from "vitest";
import type { StoredSchema } from "../schema/types.js";
import { SchemaVersions } from "./schema-versions.js";

const table = (name: string, seen: boolean) => ({
  name,
  resource: name,
  write_disposition: "append" as const,
  columns: {},
  ...(seen ? { seen_data: true } : {}),
});

describe("SchemaVersions", () => {
  it("bumps the version once per changed snapshot, and only when the content changed", () => {
    const stored: StoredSchema = { name: "s", version: 0, version_hash: "", tables: {} };
    const versions = new SchemaVersions(stored);
    expect(stored.version_hash).not.toBe("");
    const empty = versions.snapshot();
    expect(empty.version).toBe(0);
    stored.tables.a = table("a", true);
    // Not noted: the snapshot does not look.
    expect(versions.snapshot().version).toBe(0);
    versions.touch();
    const first = versions.snapshot();
    expect(first.version).toBe(1);
    expect(first.version_hash).not.toBe(empty.version_hash);
    versions.touch();
    expect(versions.snapshot().version).toBe(1);
  });

  it("publishes tables that had rows or were given, as copies", () => {
    const stored: StoredSchema = {
      name: "s",
      version: 3,
      version_hash: "h",
      tables: { old: table("old", false) },
    };
    const versions = new SchemaVersions(stored);
    stored.tables.empty = table("empty", false);
    stored.tables.full = table("full", true);
    versions.touch();
    const snap = versions.snapshot();
    expect(Object.keys(snap.tables)).toEqual(["old", "full"]);
    snap.tables.full!.columns.x = { name: "x", data_type: "text", nullable: true };
    expect(stored.tables.full!.columns.x).toBeUndefined();
  });

  it("tells whether the content changed since construction or markClean", () => {
    const stored: StoredSchema = { name: "s", version: 0, version_hash: "", tables: {} };
    const versions = new SchemaVersions(stored);
    expect(versions.changed).toBe(false);
    stored.tables.a = table("a", true);
    versions.touch();
    expect(versions.changed).toBe(true);
    versions.markClean();
    expect(versions.changed).toBe(false);
    delete stored.tables.a;
    versions.touch();
    expect(versions.changed).toBe(true);
  });
});
