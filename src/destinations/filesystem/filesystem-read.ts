import { readFile } from "node:fs/promises";
import { asyncBufferFromFile, parquetReadObjects } from "hyparquet";

/** Reads back up to `limit` rows of one data file, for `sluice pipeline … show` and the tests. */
export async function readDataFile(path: string, limit: number): Promise<Record<string, unknown>[]> {
  if (path.endsWith(".jsonl")) {
    const text = await readFile(path, "utf8");
    const out: Record<string, unknown>[] = [];
    for (const line of text.split("\n")) {
      if (out.length >= limit) break;
      if (line.length > 0) out.push(JSON.parse(line) as Record<string, unknown>);
    }
    return out;
  }
  const file = await asyncBufferFromFile(path);
  const rows = (await parquetReadObjects({ file, rowEnd: limit })) as Record<string, unknown>[];
  return rows.map((row) => {
    const out: Record<string, unknown> = {};
    // INT64 reads back as bigint; numbers are what the other destinations return when they fit.
    for (const [k, v] of Object.entries(row))
      out[k] = typeof v === "bigint" && Number.isSafeInteger(Number(v)) ? Number(v) : v;
    return out;
  });
}
