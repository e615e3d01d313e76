// `npm run demo`: starts the bundled demo API on loopback, loads it into ./demo.duckdb through the same
// code path as `sluice run examples/analytics.json --pipeline demo`, shows a few rows, stops the API.
// `npm run demo -- --serve [--port N]` only serves the API, for trying the examples by hand.
import { fileURLToPath } from "node:url";
import { processIO } from "../cli/io.js";
import { main } from "../cli/main.js";
import { startDemoApi } from "./api-server.js";
import { demoEnv } from "./demo-env.js";

const EXAMPLE = fileURLToPath(new URL("../../examples/analytics.json", import.meta.url));

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

async function demo(): Promise<number> {
  const started = performance.now();
  const api = await startDemoApi();
  const io = { ...processIO(), env: { ...process.env, ...demoEnv(api.url) } };
  const out = io.stdout;
  out.write(`sluice demo: analytics API on ${api.url} (OAuth2, offset paging, a 429 every 7th request)\n`);
  try {
    const code = await main(["run", EXAMPLE, "--pipeline", "demo"], io);
    if (code !== 0) return code;
    out.write("\nA few rows:\n");
    const shown = await main(["pipeline", "demo", "show", "analytics_data", "--rows", "3"], io);
    if (shown !== 0) return shown;
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    out.write(
      [
        "",
        `Demo finished in ${seconds} s: ${api.stats.requests} requests, ${api.stats.throttled} answered 429 and retried.`,
        "Explore: npx sluice pipeline demo info | npx sluice pipeline demo trace | duckdb demo.duckdb",
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
(args.includes("--serve") ? serve(port) : demo()).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
