import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { ResourceHints } from "../core/resource.js";
import type { PackageTable } from "../load/package.js";
import { readJsonFile, writeJsonAtomic } from "./atomic-file.js";

/**
 * new → normalized → loaded, or normalized → failed → loaded when a retry succeeds; each step written
 * atomically. Records are normalized while they are extracted, so a package is `new` until its normalized
 * files, schema and state are all durable; a package still `new` after a crash is discarded (its state was
 * never committed, so the next extract reads the same data again). A package the destination refused is
 * `failed`, with the reason: it is set aside, not retried on every run (see `Pipeline.run`).
 */
export type PackageStatus = "new" | "normalized" | "failed" | "loaded";

/** Why a package's load failed, as recorded in its manifest. */
export interface PackageFailure {
  /** sluice's message (names destination, table, column, value); no secrets. */
  message: string;
  code: string;
  hint?: string;
  /** The destination's own text, when it had one. */
  detail?: string;
  /** A lost connection, full disk or lock: the next run retries it once by itself. */
  transient: boolean;
  /** ISO time of the last failed attempt. */
  failed_at: string;
  /** Load attempts so far, all failed. */
  attempts: number;
  table?: string;
  column?: string;
}

export interface ManifestResource {
  records: number;
  hints: ResourceHints;
  parent?: string;
}

export interface PackageManifest {
  load_id: string;
  status: PackageStatus;
  created_at: string;
  updated_at: string;
  resources: { [name: string]: ManifestResource };
  /** Set while the package is `failed`; kept (with the attempt count) once a retry loads it. */
  failure?: PackageFailure;
  /** Per-table files (relative to the package dir) and row counts, once normalized. */
  tables?: PackageTable[];
  timings: { extract_ms?: number; normalize_ms?: number; load_ms?: number };
}

const MANIFEST = "manifest.json";
/** Pipeline state snapshot taken at extract end, committed with the data. */
export const PACKAGE_STATE = "state.json";
/** Schema after normalizing the package. */
export const PACKAGE_SCHEMA = "schema.json";

/** Load packages under `<working dir>/packages/<load_id>/`. */
export class PackageStore {
  readonly root: string;

  constructor(workingDir: string) {
    this.root = join(workingDir, "packages");
  }

  dir(loadId: string): string {
    return join(this.root, loadId);
  }

  /** A fresh, sortable load id (seconds since the epoch with microseconds, like dlt's). */
  newLoadId(): string {
    let ms = Date.now();
    for (;;) {
      const id = (ms / 1000).toFixed(6);
      if (!existsSync(this.dir(id))) return id;
      ms += 0.001;
    }
  }

  create(loadId: string): PackageManifest {
    mkdirSync(this.dir(loadId), { recursive: true });
    const now = new Date().toISOString();
    const manifest: PackageManifest = {
      load_id: loadId,
      status: "new",
      created_at: now,
      updated_at: now,
      resources: {},
      timings: {},
    };
    this.write(manifest);
    return manifest;
  }

  write(manifest: PackageManifest): void {
    manifest.updated_at = new Date().toISOString();
    writeJsonAtomic(join(this.dir(manifest.load_id), MANIFEST), manifest);
  }

  read(loadId: string): PackageManifest | null {
    return readJsonFile<PackageManifest>(join(this.dir(loadId), MANIFEST));
  }

  /** Every package, oldest first. A dir without a manifest is a crash during `create`: reported as new. */
  list(): PackageManifest[] {
    if (!existsSync(this.root)) return [];
    const ids = readdirSync(this.root, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    return ids.map(
      (id) =>
        this.read(id) ?? {
          load_id: id,
          status: "new",
          created_at: "",
          updated_at: "",
          resources: {},
          timings: {},
        },
    );
  }

  /** Every package not loaded: new (incomplete), normalized (ready) and failed, oldest first. */
  pending(): PackageManifest[] {
    return this.list().filter((m) => m.status !== "loaded");
  }

  /** The state version a package commits with its data; null when its state file is missing. */
  stateVersion(loadId: string): number | null {
    const version = readJsonFile<{ version?: unknown }>(join(this.dir(loadId), PACKAGE_STATE))?.version;
    return typeof version === "number" ? version : null;
  }

  remove(loadId: string): void {
    rmSync(this.dir(loadId), { recursive: true, force: true });
  }

  /** After a load: the data files go, the manifest stays (for `pipeline trace/info`), oldest pruned. */
  retire(manifest: PackageManifest, keep = 20): void {
    const dir = this.dir(manifest.load_id);
    rmSync(join(dir, "normalized"), { recursive: true, force: true });
    const loaded = this.list().filter((m) => m.status === "loaded");
    for (const old of loaded.slice(0, Math.max(0, loaded.length - keep))) this.remove(old.load_id);
  }

  removeAll(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
