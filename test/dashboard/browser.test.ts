import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDashboard } from "../../src/dashboard/server.js";
import { type CliResult, runCli, tempDir } from "../support/demo-cli.js";
import { queryDuckdb } from "../support/demo-duckdb.js";
import { launchChromium, missingBrowser, num, screenshot, waitForPage } from "./support/browser.js";
import {
  itemsOf,
  ORDER_PAGES,
  ORDERS_PER_PAGE,
  type ShopApi,
  SLOW_PAGES,
  SLOW_PER_PAGE,
  shopConfig,
  slowConfig,
  startShopApi,
} from "./support/shop-api.js";

/**
 * `sluice dashboard` in a real browser (Debian's Chromium through playwright-core): two runs of a shop
 * pipeline through the CLI into DuckDB, then the pages a user walks, then a slow run watched live.
 */
const missing = missingBrowser();
const mustRun = process.env.CI === "true";
if (missing && !mustRun) console.warn(`dashboard browser test skipped: ${missing}`);

describe.skipIf(missing !== undefined && !mustRun)(
  missing ? `dashboard in a real browser (skipped: ${missing})` : "dashboard in a real browser",
  () => {
    let api: ShopApi;
    let scratch: ReturnType<typeof tempDir>;
    let dashboard: { url: string; close(): Promise<void> } | undefined;
    let browser: Browser | undefined;
    let context: BrowserContext;
    let page: Page;
    /** Table → rows, read from the DuckDB file itself before the dashboard opened it. */
    const loaded: Record<string, number> = {};
    const pageErrors: string[] = [];

    const pipelinesDir = () => join(scratch.dir, "pipelines");
    const cli = (args: string[], timeoutMs = 60_000): Promise<CliResult> =>
      runCli([...args, "--pipelines-dir", pipelinesDir()], {
        cwd: scratch.dir,
        env: { CI: "true" },
        timeoutMs,
      });
    const expectOk = (run: CliResult) => {
      if (run.code !== 0) throw new Error(`sluice exited ${run.code}:\n${run.stderr}\n${run.stdout}`);
    };

    beforeAll(async () => {
      if (missing) throw new Error(`the dashboard browser test needs Chromium under CI: ${missing}`);
      api = await startShopApi();
      scratch = tempDir("dashboard-browser");
      writeFileSync(join(scratch.dir, "shop.json"), JSON.stringify(shopConfig(api.url), null, 2));
      writeFileSync(join(scratch.dir, "slow.json"), JSON.stringify(slowConfig(api.url), null, 2));
      // Two runs: the second one's orders gain `discount`, so the schema has a second version.
      expectOk(await cli(["run", "shop.json"]));
      api.setGeneration(2);
      expectOk(await cli(["run", "shop.json"]));

      const db = join(scratch.dir, "shop.duckdb");
      for (const table of ["orders", "orders__items"]) {
        const [row] = await queryDuckdb(db, `SELECT count(*)::INTEGER AS n FROM shop_dataset."${table}"`);
        loaded[table] = Number(row?.n);
      }
      const orders = ORDER_PAGES * ORDERS_PER_PAGE;
      let items = 0;
      for (let id = 1; id <= orders; id++) items += itemsOf(id);
      expect(loaded).toEqual({ orders, orders__items: items });

      dashboard = await startDashboard({
        pipelinesDir: pipelinesDir(),
        cwd: scratch.dir,
        env: { ...process.env },
        port: 0,
      });
      browser = await launchChromium();
      context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      context.setDefaultTimeout(10_000);
      context.setDefaultNavigationTimeout(15_000);
      page = await context.newPage();
      page.on("pageerror", (err) => pageErrors.push(String(err)));
    }, 120_000);

    afterAll(async () => {
      await browser?.close().catch(() => {});
      await dashboard?.close().catch(() => {});
      await api?.close().catch(() => {});
      scratch?.remove();
    }, 30_000);

    const url = (path: string) => `${dashboard!.url.replace(/\/$/, "")}${path}`;
    const text = async (selector: string) =>
      (await page.locator(selector).first().textContent())?.trim() ?? "";

    it("lists the pipeline and walks to its newest run: status, rows per table as in DuckDB, resources", async () => {
      await page.goto(url("/"));
      await waitForPage(page, "pipelines");
      const row = page.locator('tr[data-testid="pipeline-row"][data-pipeline="shop"]');
      await expect.poll(() => row.count(), { timeout: 5_000 }).toBe(1);
      expect(await row.locator('[data-testid="pipeline-status"]').getAttribute("data-status")).toBe("ok");
      expect(num(await row.locator('[data-testid="pipeline-records"]').textContent())).toBe(
        ORDER_PAGES * ORDERS_PER_PAGE,
      );
      await screenshot(page, "pipelines");

      await row.locator('[data-testid="pipeline-link"]').click();
      await waitForPage(page, "pipeline");
      expect(new URL(page.url()).pathname).toBe("/p/shop");
      expect(await text('[data-testid="dataset"]')).toBe("shop_dataset");
      const runs = page.locator('[data-testid="recent-runs"] tr[data-testid="run-row"]');
      expect(await runs.count()).toBe(2);
      await screenshot(page, "pipeline");

      // Newest first: the second run.
      await runs.first().locator("th a").click();
      await waitForPage(page, "run");
      expect(new URL(page.url()).pathname).toMatch(/^\/p\/shop\/runs\/[^/]+$/);
      expect(await page.locator('[data-testid="run-status"]').getAttribute("data-status")).toBe("ok");
      for (const [table, rows] of Object.entries(loaded)) {
        const cell = page.locator(`[data-testid="tables"] tr[data-table="${table}"] [data-testid="rows"]`);
        expect(num(await cell.textContent()), table).toBe(rows);
      }
      const orders = page.locator('tr[data-testid="resource-row"][data-resource="orders"]');
      expect(
        num(await orders.locator('[data-testid="pages"]').getAttribute("data-value")),
      ).toBeGreaterThanOrEqual(ORDER_PAGES);
      expect(num(await orders.locator('[data-testid="records"]').textContent())).toBe(
        ORDER_PAGES * ORDERS_PER_PAGE,
      );
      expect(await page.locator('[data-testid="stage-row"]').count()).toBeGreaterThan(0);
      await page.waitForSelector('[data-testid="timeline-orders"] canvas', { timeout: 10_000 });
      expect(await page.locator('[data-testid="log-row"]').count()).toBeGreaterThan(0);
      await screenshot(page, "run");
    }, 60_000);

    it("shows a resource's timeline chart and its requests, filterable by status", async () => {
      await page.locator('tr[data-testid="resource-row"][data-resource="orders"] th a').click();
      await waitForPage(page, "resource");
      expect(new URL(page.url()).pathname).toMatch(/\/resources\/orders$/);
      await page.waitForSelector('[data-testid="timeline-orders"] canvas', { timeout: 10_000 });
      const requests = page.locator('tr[data-testid="request-row"]');
      expect(await requests.count()).toBeGreaterThanOrEqual(ORDER_PAGES);
      await screenshot(page, "resource");
      await page.selectOption('[data-testid="status-filter"]', "5xx");
      await page.waitForURL(/status=5xx/, { timeout: 5_000 });
      await waitForPage(page, "resource");
      expect(await page.locator('tr[data-testid="request-row"]').count()).toBe(0);
      // Back goes to the run (the filter replaced the URL, it did not add one).
      await page.goBack();
      await waitForPage(page, "run");
    }, 30_000);

    it("shows the schema as a tree and the diff with the added column and the run that added it", async () => {
      await page.locator('nav.tabs a[data-tab="schema"]').click();
      await waitForPage(page, "schema");
      const child = page.locator('[data-testid="schema-table"][data-table="orders__items"]');
      expect(await child.count()).toBe(1);
      expect(
        await page
          .locator('[data-testid="schema-table"][data-table="orders"] [data-column="discount"]')
          .count(),
      ).toBe(1);
      await screenshot(page, "schema");

      await page.locator('[data-testid="diff-link"]').click();
      await waitForPage(page, "schema-diff");
      expect(new URL(page.url()).pathname).toBe("/p/shop/schema/diff");
      const added = page.locator(
        '[data-testid="change"][data-kind="column_added"][data-table="orders"][data-column="discount"]',
      );
      expect(await added.count()).toBe(1);
      const introducedBy = page.locator('[data-testid="introduced-by"]');
      expect(await introducedBy.count()).toBeGreaterThanOrEqual(1);
      await screenshot(page, "schema-diff", "dashboard-schema-diff.png");
      const runLink = page.locator('[data-testid="introduced-run"]').last();
      if ((await runLink.count()) > 0) {
        await runLink.click();
        await waitForPage(page, "run");
        await page.goBack();
        await waitForPage(page, "schema-diff");
      }
    }, 30_000);

    it("browses rows: NULL and empty text look different, JSON is readable, child rows hang off their parent", async () => {
      await page.locator('nav.tabs a[data-tab="data"]').click();
      await waitForPage(page, "data");
      const childRow = page.locator('tr[data-testid="data-table-row"][data-table="orders__items"]');
      expect(await childRow.getAttribute("data-depth")).toBe("1");
      expect(num(await childRow.locator('[data-testid="rows"]').textContent())).toBe(loaded.orders__items);
      await page.locator('tr[data-testid="data-table-row"][data-table="orders"] th a').click();
      await waitForPage(page, "table");
      expect(await text('[data-testid="row-range"]')).toBe(`rows 1–${loaded.orders} of ${loaded.orders}`);

      const nulls = page.locator('td[data-column="name"] [data-testid="null"]');
      const empties = page.locator('td[data-column="name"] [data-testid="empty-string"]');
      expect(await nulls.count()).toBe((ORDER_PAGES * ORDERS_PER_PAGE) / 3);
      expect(await empties.count()).toBe((ORDER_PAGES * ORDERS_PER_PAGE) / 3);
      const nullText = await nulls.first().textContent();
      const emptyText = await empties.first().textContent();
      expect(nullText).toBe("NULL");
      expect(emptyText).not.toBe(nullText);
      expect(emptyText).not.toBe("");
      const nullStyle = await nulls
        .first()
        .evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).backgroundColor);
      const emptyStyle = await empties
        .first()
        .evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).backgroundColor);
      expect(nullStyle).not.toBe(emptyStyle);
      // The nested object is shown as pretty JSON, not as "[object Object]".
      const meta = page.locator('td[data-column="meta"]').first();
      expect(await meta.locator('[data-testid="json"]').count()).toBe(1);
      expect(await meta.textContent()).toContain('"channel"');
      await screenshot(page, "table");

      // Order 2 has itemsOf(2) items: follow its row's link to the child table.
      const order2 = page.locator('tr[data-testid="data-row"]', {
        has: page.locator('td[data-column="id"]', { hasText: /^2$/ }),
      });
      expect(await order2.count()).toBe(1);
      await order2.locator('[data-testid="child-link"][data-child="orders__items"]').click();
      await waitForPage(page, "table");
      expect(new URL(page.url()).pathname).toBe("/p/shop/data/orders__items");
      expect(new URL(page.url()).searchParams.get("parent_id")).toBeTruthy();
      expect(await page.locator('tr[data-testid="data-row"]').count()).toBe(itemsOf(2));
      expect((await page.locator('td[data-column="sku"]').allTextContents()).sort()).toEqual(
        Array.from({ length: itemsOf(2) }, (_, j) => `sku-2-${j}`),
      );
      expect(await page.locator('[data-testid="parent-filter"]').count()).toBe(1);
      // A reload of the URL shows the same page.
      await page.reload();
      await waitForPage(page, "table");
      expect(await page.locator('tr[data-testid="data-row"]').count()).toBe(itemsOf(2));
    }, 30_000);

    it("runs read-only SQL with Ctrl+Enter, keeps the query in the URL, and shows errors with a hint", async () => {
      await page.locator('nav.tabs a[data-tab="sql"]').click();
      await waitForPage(page, "sql");
      await page.fill('[data-testid="sql-input"]', "select count(*) as n from shop_dataset.orders");
      await page.press('[data-testid="sql-input"]', "Control+Enter");
      await page.waitForSelector('[data-testid="sql-result"] tr[data-testid="sql-row"]', { timeout: 10_000 });
      expect(num(await text('[data-testid="sql-result"] td[data-column="n"]'))).toBe(loaded.orders);
      expect(new URL(page.url()).searchParams.get("q")).toBe("select count(*) as n from shop_dataset.orders");
      await screenshot(page, "sql");
      // The URL alone brings the same result back.
      await page.reload();
      await waitForPage(page, "sql");
      await page.waitForSelector('[data-testid="sql-result"] tr[data-testid="sql-row"]', { timeout: 10_000 });
      expect(num(await text('[data-testid="sql-result"] td[data-column="n"]'))).toBe(loaded.orders);

      await page.fill('[data-testid="sql-input"]', "delete from shop_dataset.orders");
      await page.click('[data-testid="sql-run"]');
      await page.waitForSelector('[data-testid="sql-error"]', { timeout: 10_000 });
      expect(await text('[data-testid="sql-error"] [data-testid="error-message"]')).not.toBe("");
    }, 30_000);

    it("shows packages and state pages, back/forward, and a not-found page for unknown URLs", async () => {
      await page.locator('nav.tabs a[data-tab="packages"]').click();
      await waitForPage(page, "packages");
      await page.locator('nav.tabs a[data-tab="state"]').click();
      await waitForPage(page, "state");
      await page.goBack();
      await waitForPage(page, "packages");
      await page.goForward();
      await waitForPage(page, "state");
      await page.goto(url("/p/no-such-pipeline"));
      await waitForPage(page, "not-found");
      await page.goto(url("/no/such/page"));
      await waitForPage(page, "not-found");
      expect(pageErrors).toEqual([]);
    }, 30_000);

    it("shows a run live: the record count grows on the list and the run page before it ends ok", async () => {
      await page.goto(url("/"));
      await waitForPage(page, "pipelines");
      const runPage = await context.newPage();
      runPage.on("pageerror", (err) => pageErrors.push(String(err)));
      const slow = cli(["run", "slow.json"], 60_000);
      try {
        const row = page.locator('tr[data-testid="pipeline-row"][data-pipeline="slow"]');
        // The list learns of the run from the server's events.
        await page.waitForSelector(
          'tr[data-testid="pipeline-row"][data-pipeline="slow"] [data-testid="pipeline-status"][data-status="running"]',
          { timeout: 20_000 },
        );
        const runId = await row.getAttribute("data-run-id");
        expect(runId).toBeTruthy();
        await runPage.goto(url(`/p/slow/runs/${encodeURIComponent(runId!)}`));
        await waitForPage(runPage, "run");
        await runPage.waitForSelector('[data-testid="run-progress"]', { timeout: 5_000 });
        await screenshot(runPage, "run-live");

        /** Samples a page's record count while the run is still running. */
        const sample = async (p: Page, records: string, status: string) => {
          const seen: number[] = [];
          const deadline = Date.now() + 30_000;
          while (Date.now() < deadline) {
            const s = {
              status:
                (await p
                  .locator(status)
                  .first()
                  .getAttribute("data-status", { timeout: 2_000 })
                  .catch(() => "")) ?? "",
              records:
                (await p
                  .locator(records)
                  .first()
                  .textContent({ timeout: 2_000 })
                  .catch(() => "")) ?? "",
            };
            if (s.status !== "running") break;
            const n = num(s.records);
            if (seen.at(-1) !== n) seen.push(n);
            await p.waitForTimeout(150);
          }
          return seen;
        };
        const [listSeen, runSeen] = await Promise.all([
          sample(
            page,
            'tr[data-pipeline="slow"] [data-testid="pipeline-records"]',
            'tr[data-pipeline="slow"] [data-testid="pipeline-status"]',
          ),
          sample(runPage, '[data-testid="run-records"]', '[data-testid="run-status"]'),
        ]);
        const grows = (seen: number[]) => seen.length >= 2 && seen.at(-1)! > seen[0]!;
        expect(grows(listSeen), `records seen on the list while running: ${listSeen.join(", ")}`).toBe(true);
        expect(grows(runSeen), `records seen on the run page while running: ${runSeen.join(", ")}`).toBe(
          true,
        );

        await runPage.waitForSelector('[data-testid="run-status"][data-status="ok"]', { timeout: 20_000 });
        expect(num(await runPage.locator('[data-testid="run-records"]').textContent())).toBe(
          SLOW_PAGES * SLOW_PER_PAGE,
        );
        await screenshot(runPage, "run-live-done", "dashboard-run.png");
        await page.waitForSelector(
          'tr[data-testid="pipeline-row"][data-pipeline="slow"] [data-testid="pipeline-status"][data-status="ok"]',
          { timeout: 20_000 },
        );
      } finally {
        expectOk(await slow);
        await runPage.close().catch(() => {});
      }
      expect(pageErrors).toEqual([]);
    }, 90_000);
  },
);
