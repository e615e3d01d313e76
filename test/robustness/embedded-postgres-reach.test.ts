import { cpSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { arch, platform, tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO, runNode } from "../support/demo-cli.js";
import { everyoneCanEnter } from "../support/embedded-postgres-copy.js";

/**
 * Defect 10 of issue 10: a checkout under a directory the `postgres` OS user cannot enter (root's home, a
 * `mktemp -d`) made `npm test` exit 1 without a word. This builds such a checkout (a 0700 dir holding the
 * test support files and real copies of embedded-postgres and its binaries) and starts PostgreSQL from it.
 */
describe.skipIf(userInfo().uid !== 0)(
  "embedded PostgreSQL from a checkout the postgres user cannot enter",
  () => {
    const closed = mkdtempSync(join(tmpdir(), "sluice-closed-"));
    afterAll(() => rmSync(closed, { recursive: true, force: true }));

    it("starts from a reachable copy of the binaries and cleans it up", async () => {
      expect(statSync(closed).mode & 0o777).toBe(0o700);
      const checkout = join(closed, "checkout");
      const modules = join(checkout, "node_modules");
      mkdirSync(join(modules, "@embedded-postgres"), { recursive: true });
      const binaries = `@embedded-postgres/${platform()}-${arch()}`;
      // Real copies: a link would resolve back into the (reachable) main checkout.
      for (const pkg of ["embedded-postgres", binaries])
        cpSync(join(REPO, "node_modules", pkg), join(modules, pkg), {
          recursive: true,
          verbatimSymlinks: true,
        });
      for (const dep of ["pg", "async-exit-hook"])
        symlinkSync(join(REPO, "node_modules", dep), join(modules, dep));
      mkdirSync(join(checkout, "test/support"), { recursive: true });
      writeFileSync(join(checkout, "package.json"), JSON.stringify({ type: "module" }));
      for (const f of ["postgres-probe.ts", "postgres-server.ts", "embedded-postgres-copy.ts"])
        cpSync(join(REPO, "test/support", f), join(checkout, "test/support", f));
      expect(everyoneCanEnter(join(modules, binaries))).toBe(false);

      const env = { SLUICE_TEST_PG_URL: "", PGHOST: undefined, PGDATABASE: undefined, PGUSER: undefined };
      const r = await runNode(join(checkout, "test/support/postgres-probe.ts"), [], {
        cwd: checkout,
        env,
        timeoutMs: 60_000,
      });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^PostgreSQL for tests: embedded-postgres, started in \d+ ms/);
    }, 90_000);
  },
);
