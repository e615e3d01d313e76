import { randomBytes } from "node:crypto";
import { mkdir, open, readdir, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";

/** Temp names share a suffix so an interrupted write is recognisable and swept on the next commit. */
export const TEMP_SUFFIX = ".sluice-tmp";

export function tempName(path: string): string {
  return `${path}.${randomBytes(4).toString("hex")}${TEMP_SUFFIX}`;
}

/** Writes `data` next to `path`, flushes it, then renames it into place: readers never see half a file. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = tempName(path);
  const fh = await open(tmp, "w");
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}

export async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
}

export async function listSubdirs(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory()).map((e) => e.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
}

export async function removeWhere(dir: string, match: (name: string) => boolean): Promise<number> {
  let n = 0;
  for (const name of await listDir(dir)) {
    if (!match(name)) continue;
    await rm(join(dir, name), { force: true, recursive: true });
    n++;
  }
  return n;
}
