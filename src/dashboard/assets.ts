import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** The browser app: plain ES modules and CSS, shipped in the package next to dist/ (no build, no CDN). */
const WEB_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "web", "dashboard");

const require = createRequire(import.meta.url);
/** Vendored from the uplot package, resolved where npm installed it. */
const VENDOR: Record<string, string> = {
  "uplot.js": require.resolve("uplot/dist/uPlot.iife.min.js"),
  "uplot.css": require.resolve("uplot/dist/uPlot.min.css"),
};

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
};

export interface Asset {
  body: Buffer;
  type: string;
}

/** `/assets/<path>`: a file of the app, or `vendor/<name>`; undefined for anything outside them. */
export async function readAsset(path: string): Promise<Asset | undefined> {
  const vendor = path.startsWith("vendor/") ? VENDOR[path.slice("vendor/".length)] : undefined;
  const file = vendor ?? normalize(join(WEB_ROOT, path));
  if (vendor === undefined && !file.startsWith(WEB_ROOT + sep)) return undefined;
  try {
    return { body: await readFile(file), type: TYPES[extname(file)] ?? "application/octet-stream" };
  } catch {
    return undefined;
  }
}

/** The page every app URL answers with: the router in the browser shows the view the URL names. */
export async function appShell(): Promise<Buffer> {
  return readFile(join(WEB_ROOT, "index.html"));
}
