import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readConfigInput } from "../config-input.js";
import type { CliIO } from "../io.js";
import { type InitFormat, initCommand } from "./init.js";

const dirs: string[] = [];
function ioIn(dir: string): CliIO & { out: () => string } {
  let buf = "";
  const write = (s: string): boolean => {
    buf += s;
    return true;
  };
  const stream = { write } as unknown as NodeJS.WritableStream;
  return { stdout: stream, stderr: stream, env: {}, cwd: dir, isTTY: false, out: () => buf };
}

describe("sluice init", () => {
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it.each(["yaml", "json", "toml"] as InitFormat[])("scaffolds a valid %s config", async (format) => {
    const dir = mkdtempSync(join(tmpdir(), "sluice-init-"));
    dirs.push(dir);
    const io = ioIn(dir);
    expect(initCommand("shop", { format }, io)).toBe(0);
    const input = await readConfigInput(join(dir, `shop.${format}`), io);
    expect(input.kind).toBe("config");
    if (input.kind === "config") {
      expect(input.config.client.base_url).toBe("http://127.0.0.1:8787");
      expect(input.config.resources).toHaveLength(1);
    }
    expect(io.out()).toContain(`sluice validate shop.${format}`);
  });

  it("keeps an existing secrets file and .gitignore lines, adds the ignore entry once", () => {
    const dir = mkdtempSync(join(tmpdir(), "sluice-init-"));
    dirs.push(dir);
    writeFileSync(join(dir, ".gitignore"), "node_modules/");
    initCommand("a", {}, ioIn(dir));
    writeFileSync(join(dir, ".sluice/secrets.toml"), 'api_key = "mine"\n');
    initCommand("b", {}, ioIn(dir));
    expect(readFileSync(join(dir, ".gitignore"), "utf8")).toBe(
      [
        "node_modules/",
        "# sluice secrets: never commit",
        ".sluice/secrets.toml",
        "# sluice's DuckDB files",
        "*.duckdb",
        "*.duckdb.wal",
        "# sluice's filesystem destination (default bucket)",
        "/lake/",
        "",
      ].join("\n"),
    );
    expect(readFileSync(join(dir, ".sluice/secrets.toml"), "utf8")).toBe('api_key = "mine"\n');
    expect(() => initCommand("a", {}, ioIn(dir))).toThrow(/already exists/);
    expect(() => initCommand("1bad/name", {}, ioIn(dir))).toThrow(/Invalid name/);
  });
});
