import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CliIO } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { silentLogger } from "../../src/core/logger.js";
import { resource } from "../../src/core/resource.js";
import { pipeline } from "../../src/pipeline/index.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sluice-list-drop-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function io(confirm?: (q: string) => Promise<boolean>): CliIO & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  const stdout = new PassThrough().on("data", (d: Buffer) => (out += d.toString()));
  const stderr = new PassThrough().on("data", (d: Buffer) => (err += d.toString()));
  return {
    stdout,
    stderr,
    env: { SLUICE_PIPELINES_DIR: join(dir, "pipelines") },
    cwd: dir,
    isTTY: false,
    ...(confirm === undefined ? {} : { confirm }),
    out: () => out,
    err: () => err,
  };
}

async function loadOne(name: string): Promise<void> {
  const items = resource("items", async function* () {
    yield [{ id: 1 }, { id: 2 }];
  });
  await pipeline({
    pipeline_name: name,
    pipelines_dir: join(dir, "pipelines"),
    destination_options: { duckdb: { path: join(dir, `${name}.duckdb`) } },
    logger: silentLogger,
  }).run(items);
}

describe("pipeline list and drop", () => {
  it("lists the pipelines of the pipelines dir, and says where it looked when there are none", async () => {
    const empty = io();
    expect(await main(["pipeline", "list"], empty)).toBe(0);
    expect(empty.out()).toContain(`No pipelines in ${join(dir, "pipelines")} yet`);
    await loadOne("alpha");
    await loadOne("beta");
    const listed = io();
    expect(await main(["pipeline", "list", "--json"], listed)).toBe(0);
    const doc = JSON.parse(listed.out()) as { pipelines_dir: string; pipelines: { name: string }[] };
    expect(doc.pipelines_dir).toBe(join(dir, "pipelines"));
    expect(doc.pipelines.map((p) => p.name)).toEqual(["alpha", "beta"]);
  });

  it("drop asks on a terminal and drops nothing unless the answer is yes; --yes does not ask", async () => {
    await loadOne("alpha");
    const questions: string[] = [];
    const declined = io(async (q) => {
      questions.push(q);
      return false;
    });
    expect(await main(["pipeline", "alpha", "drop", "items"], declined)).toBe(1);
    expect(questions).toHaveLength(1);
    expect(questions[0]).toMatch(
      /^Drop table items and the state of items from duckdb .*alpha\.duckdb.*\(dataset alpha_dataset\)\?$/,
    );
    expect(declined.out()).toContain("Nothing dropped.");
    const info = io();
    await main(["pipeline", "alpha", "info"], info);
    expect(info.out()).toMatch(/items +items +append +2/);

    const unasked = io(async () => {
      throw new Error("must not ask");
    });
    expect(await main(["pipeline", "alpha", "drop", "items", "--yes"], unasked)).toBe(0);
    expect(unasked.out()).toMatch(/Dropped 1 table \(items\)/);
  });
});
