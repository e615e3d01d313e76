// A pipeline run in a child process, for the exactly-once tests: the test kills it (SIGKILL) at chosen
// points (SLUICE_TEST_CRASH_AT) or at random times, then reruns it and checks what reached DuckDB.
// Env: RESUME_PIPELINES_DIR, RESUME_DB, RESUME_EVENTS (new events per run), RESUME_USERS,
// RESUME_THREAD_AFTER (normalize on a second thread after this many records; unset: one thread).
import { resource, source } from "../../src/core/resource.js";
import { pipeline } from "../../src/pipeline/index.js";

const eventsPerRun = Number(process.env["RESUME_EVENTS"] ?? "500");
const userCount = Number(process.env["RESUME_USERS"] ?? "100");

/** Append-only events continuing from the cursor in state: each run adds the next `eventsPerRun` ids. */
const events = resource("events", async function* (ctx) {
  const start = Number(ctx.state["next_id"] ?? 0);
  const end = start + eventsPerRun;
  for (let id = start; id < end; id += 100) {
    const page = [];
    for (let i = id; i < Math.min(end, id + 100); i++)
      page.push({ id: i, kind: i % 3 === 0 ? "click" : "view", meta: { n: i }, tags: [`t${i % 5}`, "all"] });
    yield page;
    await new Promise((r) => setImmediate(r));
  }
  ctx.state["next_id"] = end;
});

/** The same users every run (merged by id), each with 1–3 addresses in a child table. */
const users = resource(
  "users",
  async function* () {
    for (let id = 0; id < userCount; id++)
      yield { id, name: `user ${id}`, addresses: Array.from({ length: (id % 3) + 1 }, (_, k) => ({ k })) };
  },
  { write_disposition: "merge", primary_key: "id" },
);

const info = await pipeline({
  pipeline_name: "resume",
  pipelines_dir: process.env["RESUME_PIPELINES_DIR"]!,
  destination_options: { duckdb: { path: process.env["RESUME_DB"]! } },
  files: { maxFileBytes: 32 * 1024 },
  ...(process.env["RESUME_THREAD_AFTER"] === undefined
    ? { concurrency: { normalize_thread: false } }
    : {
        concurrency: { normalize_thread: true },
        normalize_thread_after: Number(process.env["RESUME_THREAD_AFTER"]),
      }),
  // Stage boundaries on stdout let the test time its kills inside the pipeline, not during start-up.
  progress: (e) => {
    if (e.type === "stage_start") process.stdout.write(`stage ${e.stage}\n`);
  },
}).run(source("resume_src", [events, users]));
process.stdout.write(`info ${JSON.stringify(info)}\n`);
