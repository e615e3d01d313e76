import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * Starts a worker thread running `moduleUrl` (a sibling module's `import.meta.url`-relative URL). The
 * package runs compiled JavaScript, where that is all there is to it. Run from the TypeScript sources
 * (tests, `npm run demo`, the benchmarks), the worker has no TypeScript loader of its own — Node 20 does
 * not pass `--import tsx` hooks to workers — so it registers tsx first and then imports the module.
 */
export function startWorker(moduleUrl: URL, options: WorkerOptions = {}): Worker {
  if (!moduleUrl.pathname.endsWith(".ts")) return new Worker(moduleUrl, options);
  const boot = `import(${JSON.stringify(tsxEsmApi())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(moduleUrl.href)}); });`;
  return new Worker(boot, { ...options, eval: true });
}

/**
 * tsx's ESM API, found from this package's own dependencies (an eval'd worker resolves bare names from
 * the working directory, which may be any project). Its CommonJS build registers a wrong loader path.
 */
function tsxEsmApi(): string {
  const manifest = createRequire(import.meta.url).resolve("tsx/package.json");
  const pkg = JSON.parse(readFileSync(manifest, "utf8")) as {
    exports: Record<string, { import: { default: string } }>;
  };
  return new URL(pkg.exports["./esm/api"]!.import.default, pathToFileURL(manifest)).href;
}

/** The URL of a sibling module of `from` (an `import.meta.url`), in the flavour `from` runs as (.ts or .js). */
export function siblingModule(from: string, stem: string): URL {
  return new URL(`./${stem}${from.endsWith(".ts") ? ".ts" : ".js"}`, from);
}
