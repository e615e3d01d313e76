import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { REPO } from "../../support/demo-cli.js";

/** Debian's Chromium (or SLUICE_CHROMIUM): nothing is downloaded. */
export const CHROMIUM = process.env.SLUICE_CHROMIUM ?? "/usr/bin/chromium";

/** Why the browser test cannot run here, or undefined when it can. */
export function missingBrowser(): string | undefined {
  return existsSync(CHROMIUM)
    ? undefined
    : `no Chromium at ${CHROMIUM}: install Debian's \`chromium\` package (apt-get install chromium) or set SLUICE_CHROMIUM to a Chromium binary`;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30_000,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export const SCREENSHOT_DIR = join(REPO, "test-output/dashboard");

/**
 * Saves a full-page screenshot to test-output/dashboard/<name>.png and, when SLUICE_UPDATE_SCREENSHOTS=1
 * and `docsName` is given, to docs/images/<docsName> too (the README shows those).
 */
export async function screenshot(page: Page, name: string, docsName?: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true, timeout: 10_000 });
  if (docsName && process.env.SLUICE_UPDATE_SCREENSHOTS === "1") {
    const target = join(REPO, "docs/images", docsName);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(file, target);
  }
  return file;
}

/** Waits for the app to have rendered a page (`<main data-page=…>`, no longer busy). */
export async function waitForPage(page: Page, name: string, timeout = 10_000): Promise<void> {
  await page.waitForSelector(`main[data-page="${name}"]:not([aria-busy])`, { timeout });
}

/** The number a cell shows ("1,234" → 1234). */
export function num(text: string | null): number {
  return Number((text ?? "").replace(/[^0-9.-]/g, ""));
}
