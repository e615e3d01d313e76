import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliResult, REPO, runCli, tempDir } from "../support/demo-cli.js";
import { queryDuckdb } from "../support/demo-duckdb.js";

/**
 * A spec served by a mock that follows it — Stoplight Prism, on 127.0.0.1 — rather than by a server written
 * to match the generator: `sluice init --openapi`, then `sluice run`, and the tables hold the records the
 * spec's examples describe (Prism answers with them), parent and child.
 */
const spec = (port: number) => `openapi: 3.0.3
info: { title: Library API, version: "1" }
servers: [{ url: "http://127.0.0.1:${port}" }]
components:
  schemas:
    Author:
      type: object
      required: [id, name]
      properties:
        id: { type: integer }
        name: { type: string }
        born: { type: string, format: date, nullable: true }
    Book:
      type: object
      required: [isbn]
      properties:
        isbn: { type: string }
        title: { type: string }
        year: { type: integer }
  securitySchemes:
    libraryKey: { type: apiKey, in: header, name: X-Library-Key }
security: [{ libraryKey: [] }]
paths:
  /authors:
    get:
      parameters:
        - { name: page, in: query, schema: { type: integer, minimum: 1 } }
      responses:
        "200":
          description: a page of authors
          content:
            application/json:
              schema:
                type: object
                properties:
                  total_pages: { type: integer }
                  items: { type: array, items: { $ref: "#/components/schemas/Author" } }
              example:
                total_pages: 1
                items:
                  - { id: 1, name: Ursula, born: "1929-10-21" }
                  - { id: 2, name: Stanisław, born: "1921-09-12" }
                  - { id: 3, name: Octavia, born: null }
  /authors/{author_id}/books:
    get:
      parameters:
        - { name: author_id, in: path, required: true, schema: { type: integer } }
      responses:
        "200":
          description: the author's books
          content:
            application/json:
              schema: { type: array, items: { $ref: "#/components/schemas/Book" } }
              example:
                - { isbn: "978-0", title: "First", year: 1969 }
                - { isbn: "978-1", title: "Second", year: 1974 }
`;

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

let prism: ChildProcess | undefined;
let scratch: ReturnType<typeof tempDir>;
let port: number;

beforeAll(async () => {
  scratch = tempDir("openapi-prism");
  port = await freePort();
  writeFileSync(join(scratch.dir, "library-spec.yaml"), spec(port));
  prism = spawn(
    join(REPO, "node_modules/.bin/prism"),
    ["mock", "-h", "127.0.0.1", "-p", String(port), "library-spec.yaml"],
    {
      cwd: scratch.dir,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let log = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Prism did not start in 60 s:\n${log}`)), 60_000);
    const seen = (d: Buffer) => {
      log += d.toString();
      if (/listening on/i.test(log)) {
        clearTimeout(timer);
        resolve();
      }
    };
    prism?.stdout?.on("data", seen);
    prism?.stderr?.on("data", seen);
    prism?.on("exit", (code) => reject(new Error(`Prism exited ${code}:\n${log}`)));
  });
}, 90_000);

afterAll(() => {
  prism?.kill("SIGKILL");
  scratch?.remove();
});

const cli = (args: string[]): Promise<CliResult> =>
  runCli(args, {
    cwd: scratch.dir,
    env: { CI: "true", SLUICE_PIPELINES_DIR: join(scratch.dir, "pipelines"), LIBRARY_KEY: "prism-key-5e1f" },
  });

describe("init --openapi against a spec-following mock (Prism)", () => {
  it("generates a config whose run loads the spec's example records, parent and child", async () => {
    const init = await cli(["init", "--openapi", "library-spec.yaml", "--out", "library.yaml", "--check"]);
    expect(init.code, init.stdout + init.stderr).toBe(0);
    expect(init.stdout).toMatch(/authors +GET \/authors +page_number +id/);
    expect(init.stdout).toMatch(/books +GET \/authors\/\{author_id\}\/books/);
    const run = await cli(["run", "library.yaml"]);
    expect(run.code, run.stderr).toBe(0);
    const db = join(scratch.dir, "library.duckdb");
    const authors = await queryDuckdb(db, "SELECT id, name, born FROM library_dataset.authors ORDER BY id");
    expect(authors.map((a) => [Number(a["id"]), a["name"]])).toEqual([
      [1, "Ursula"],
      [2, "Stanisław"],
      [3, "Octavia"],
    ]);
    expect(authors[2]?.["born"]).toBeNull();
    // Two books per author (the example), read once per author.
    const books = await queryDuckdb(db, "SELECT count(*) AS n FROM library_dataset.books");
    expect(Number(books[0]?.["n"])).toBe(6);
  }, 120_000);
});
