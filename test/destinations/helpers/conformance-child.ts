// A pipeline run in a child process, killed by the conformance suite (SLUICE_TEST_CRASH_AT) and rerun.
// Env: CONF_TARGET (a conformance target label), CONF_DIR (sandbox), CONF_PG_URL, CONF_DATASET, CONF_EVENTS.
import { resource, source } from "../../../src/core/resource.js";
import { pipeline } from "../../../src/pipeline/index.js";
import { CONFORMANCE_TARGETS } from "./destination-targets.js";

const target = CONFORMANCE_TARGETS.find((t) => t.label === process.env["CONF_TARGET"])!;
const dir = process.env["CONF_DIR"]!;
const perRun = Number(process.env["CONF_EVENTS"] ?? "300");

/** Append-only events continuing from the cursor in state: each completed run adds the next ids. */
const events = resource("events", async function* (ctx) {
  const start = Number(ctx.state["next_id"] ?? 0);
  for (let id = start; id < start + perRun; id += 50) {
    const page = [];
    for (let i = id; i < Math.min(start + perRun, id + 50); i++) page.push({ id: i, tags: [`t${i % 3}`] });
    yield page;
  }
  ctx.state["next_id"] = start + perRun;
});

const info = await pipeline({
  pipeline_name: "conf_resume",
  pipelines_dir: `${dir}/pipelines`,
  dataset_name: process.env["CONF_DATASET"]!,
  ...target.options(dir, () => process.env["CONF_PG_URL"]!),
}).run(source("conf_src", [events]));
process.stdout.write(`loaded ${info.loadIds.length}\n`);
