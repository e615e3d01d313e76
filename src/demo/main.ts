// `npm run demo`: starts the bundled demo API on loopback, loads it into ./demo.duckdb through the same
// code path as `sluice run examples/analytics.json --pipeline demo`, shows a few rows, stops the API.
// `npm run demo -- --example <name>` does the same for another example (examples/<name>.*), one command.
// `npm run demo -- --serve [--port N]` only serves the API, for trying the examples by hand.
import { readdirSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type CliIO, processIO } from "../cli/io.js";
import { main } from "../cli/main.js";
import { openPipeline } from "../cli/open-pipeline.js";
import { plural } from "../cli/text-table.js";
import { silentLogger } from "../core/logger.js";
import { startDemoApi } from "./api-server.js";
import { demoEnv } from "./demo-env.js";

const EXAMPLES = fileURLToPath(new URL("../../examples/", import.meta.url));
const CONFIG_EXTENSIONS = new Set([".json", ".json5", ".yaml", ".yml", ".toml", ".ts"]);

/** The examples by name (file stem): analytics, businesses, events, items, resources. */
function examples(): Map<string, string> {
  const found = new Map<string, string>();
  for (const f of readdirSync(EXAMPLES).sort())
    if (CONFIG_EXTENSIONS.has(extname(f))) found.set(basename(f, extname(f)), join(EXAMPLES, f));
  return found;
}

async function serve(port: number): Promise<number> {
  const api = await startDemoApi({ port });
  const out = process.stdout;
  out.write(`Demo API listening on ${api.url} (Ctrl-C to stop).\n\nTo run the examples against it:\n\n`);
  for (const [k, v] of Object.entries(demoEnv(api.url))) out.write(`  export ${k}=${v}\n`);
  out.write("  npx sluice run examples/analytics.json\n\n");
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await api.close();
  return 0;
}

/** The first root table the run loaded (by name), to show a few of its rows. */
async function firstTable(pipelineName: string, io: CliIO): Promise<string> {
  const schema = await openPipeline(pipelineName, {}, io, silentLogger).schema();
  const roots = Object.values(schema?.tables ?? {}).filter((t) => t.parent === undefined && t.seen_data);
  return roots.map((t) => t.name).sort()[0] ?? pipelineName;
}

async function demo(example: string | undefined): Promise<number> {
  const started = performance.now();
  const all = examples();
  const name = example ?? "analytics";
  const config = all.get(name);
  if (config === undefined) {
    process.stderr.write(`No example "${name}": choose one of ${[...all.keys()].join(", ")} (examples/).\n`);
    return 2;
  }
  // The analytics example is the demo itself; the others keep their own pipeline name and DuckDB file.
  const pipelineName = example === undefined ? "demo" : name;
  const api = await startDemoApi();
  // process.env too: a TypeScript example reads its secrets while its module loads.
  Object.assign(process.env, demoEnv(api.url));
  const io = { ...processIO(), env: { ...process.env } };
  const out = io.stdout;
  out.write(`sluice demo: ${name} on the demo API at ${api.url} (a 429 every 7th request)\n`);
  try {
    const code = await main(["run", config, "--pipeline", pipelineName], io);
    if (code !== 0) return code;
    const tables = await firstTable(pipelineName, io);
    out.write("\nA few rows:\n");
    const shown = await main(["pipeline", pipelineName, "show", tables, "--rows", "3"], io);
    if (shown !== 0) return shown;
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    out.write(
      [
        "",
        // Counted as the run's summary counts them: requests for data (retries included); the token apart.
        `Demo finished in ${seconds} s: ${plural(api.stats.requests - api.stats.tokenRequests, "request")} for data (${api.stats.throttled} answered 429 and retried)${api.stats.tokenRequests > 0 ? ` and ${plural(api.stats.tokenRequests, "token request")}` : ""}.`,
        `Explore: npx sluice pipeline ${pipelineName} info | npx sluice pipeline ${pipelineName} show ${tables} | npx sluice pipeline ${pipelineName} trace --requests`,
        `Other examples: ${[...all.keys()].map((e) => `npm run demo -- --example ${e}`).join(" | ")}`,
        "",
      ].join("\n"),
    );
    return 0;
  } finally {
    await api.close();
  }
}

const args = process.argv.slice(2);
const portAt = args.indexOf("--port");
const port = portAt >= 0 ? Number(args[portAt + 1]) : 8787;
const exampleAt = args.indexOf("--example");
(args.includes("--serve") ? serve(port) : demo(exampleAt >= 0 ? args[exampleAt + 1] : undefined)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
