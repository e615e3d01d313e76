import type { Context } from "hono";
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { SluiceError } from "../core/errors.js";
import { jsonValue } from "../pipeline/live-reads.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import type { RunTrace } from "../pipeline/run-history.js";
import type {
  PackageRow,
  PipelineDetail,
  PipelineSummary,
  PipelinesResponse,
  SchemaVersionResponse,
  SchemaVersionsResponse,
} from "./api-types.js";
import { PAGE_LIMIT, runSql, tableCounts, tableRows, withDataReader } from "./data-reads.js";
import type { LiveEvents } from "./live-events.js";
import { runDetail, runLive, runRequests, runSummary } from "./run-views.js";
import { schemaDiff, tableViews, versionRow } from "./schema-views.js";
import type { Workspace } from "./workspace.js";

/** HTTP status for sluice's error codes; anything else is the server's fault (500). */
const STATUS: Record<string, 400 | 404 | 409 | 503> = {
  NOT_FOUND: 404,
  READ_ONLY_SQL: 400,
  QUERY_FAILED: 400,
  BAD_REQUEST: 400,
  PIPELINE_BUSY: 409,
  PACKAGE_SUPERSEDED: 409,
  PACKAGE_INCOMPLETE: 409,
  PACKAGE_NOT_PENDING: 404,
  RUN_STARTING: 503,
};

/** The JSON API under /api: read views of the pipelines dir, read-only SQL, and the package actions. */
export function apiRoutes(workspace: Workspace, live: LiveEvents): Hono {
  const api = new Hono();

  api.onError((err, c) => {
    const code = err instanceof SluiceError ? err.code : undefined;
    const status = (code !== undefined && STATUS[code]) || (err instanceof SluiceError ? 400 : 500);
    const hint = err instanceof SluiceError ? err.hint : undefined;
    return send(c, { error: { message: err.message, ...(hint === undefined ? {} : { hint }) } }, status);
  });

  const pipelines = (): PipelinesResponse => ({
    pipelines_dir: workspace.dir,
    pipelines: workspace.names().map((name) => pipelineSummary(workspace, name)),
  });

  api.get("/pipelines", (c) => send(c, pipelines()));

  api.get("/pipelines/:name", (c) => {
    const name = c.req.param("name");
    const p = workspace.open(name);
    const detail: PipelineDetail = {
      ...pipelineSummary(workspace, name),
      working_dir: p.workingDir,
      runs_kept: workspace.runs(name).map(runSummary),
      packages: packageRows(p.pendingPackages()),
      // The working dir's copy: reading the destination's could wait on a run's lock.
      state: p.localState(),
    };
    return send(c, detail);
  });

  api.get("/pipelines/:name/runs", (c) =>
    send(c, { runs: workspace.runs(c.req.param("name")).map(runSummary) }),
  );

  const requireRun = (name: string, id: string): RunTrace => {
    const run = workspace.run(name, id);
    if (run === undefined)
      throw new SluiceError(`Pipeline "${name}" has no run ${id}`, {
        code: "NOT_FOUND",
        hint: "it may have been pruned (pipeline.run_history keeps the newest 100, 30 days by default)",
      });
    return run;
  };

  api.get("/pipelines/:name/runs/:id", (c) => {
    const name = c.req.param("name");
    const run = requireRun(name, c.req.param("id"));
    return send(c, runDetail(run, workspace.open(name).schemaHistory()));
  });

  api.get("/pipelines/:name/runs/:id/requests", (c) => {
    const run = requireRun(c.req.param("name"), c.req.param("id"));
    const out = runRequests(run, c.req.query("resource") || undefined, c.req.query("status") || undefined);
    if ("error" in out) throw new SluiceError(out.error, { code: "BAD_REQUEST" });
    return send(c, out);
  });

  api.get("/pipelines/:name/schemas", (c) => {
    const name = c.req.param("name");
    const runOf = workspace.runOfLoad(name);
    const body: SchemaVersionsResponse = {
      versions: workspace
        .open(name)
        .schemaHistory()
        .map((v) => versionRow(v, runOf))
        .reverse(),
    };
    return send(c, body);
  });

  const version = (name: string, raw: string | undefined) => {
    const history = workspace.open(name).schemaHistory();
    const wanted =
      raw === undefined || raw === "" || raw === "latest" ? history.at(-1)?.version : Number(raw);
    const found = history.find((v) => v.version === wanted);
    if (found === undefined)
      throw new SluiceError(`Pipeline "${name}" has no schema version ${raw ?? "yet"}`, {
        code: "NOT_FOUND",
        hint:
          history.length === 0
            ? "a version is kept when a load commits"
            : `kept versions: ${history.map((v) => v.version).join(", ")}`,
      });
    return { found, history };
  };

  api.get("/pipelines/:name/schemas/:version", (c) => {
    const name = c.req.param("name");
    const { found } = version(name, c.req.param("version"));
    const body: SchemaVersionResponse = {
      ...versionRow(found, workspace.runOfLoad(name)),
      tables_list: tableViews(found.schema),
    };
    return send(c, body);
  });

  api.get("/pipelines/:name/schema-diff", (c) => {
    const name = c.req.param("name");
    const to = version(name, c.req.query("to"));
    const fromRaw = c.req.query("from");
    const from =
      fromRaw === undefined || fromRaw === ""
        ? { found: to.history[to.history.indexOf(to.found) - 1] ?? to.found }
        : version(name, fromRaw);
    return send(c, schemaDiff(from.found, to.found, to.history, workspace.runOfLoad(name)));
  });

  api.get("/pipelines/:name/tables", async (c) => {
    const name = c.req.param("name");
    const p = workspace.open(name);
    const schema = p.localSchema();
    return send(
      c,
      await withDataReader(
        p,
        () => workspace.latestRun(name),
        (reader, path) => tableCounts(reader, path, schema),
      ),
    );
  });

  api.get("/pipelines/:name/tables/:table/rows", async (c) => {
    const name = c.req.param("name");
    const p = workspace.open(name);
    const schema = p.localSchema();
    if (schema === null)
      throw new SluiceError(`Pipeline "${name}" has loaded nothing yet`, { code: "NOT_FOUND" });
    const parentId = c.req.query("parent_id");
    const page = {
      offset: intParam(c.req.query("offset"), 0),
      limit: intParam(c.req.query("limit"), 50),
      ...(parentId === undefined || parentId === "" ? {} : { parentId }),
    };
    return send(
      c,
      await withDataReader(
        p,
        () => workspace.latestRun(name),
        (reader, path) =>
          tableRows(reader, path, schema, c.req.param("table"), {
            ...page,
            limit: Math.min(page.limit, PAGE_LIMIT),
          }),
      ),
    );
  });

  api.post("/pipelines/:name/sql", async (c) => {
    const name = c.req.param("name");
    const body = (await c.req.json().catch(() => ({}))) as { sql?: unknown };
    if (typeof body.sql !== "string")
      throw new SluiceError('The request needs a JSON body {"sql": "SELECT …"}', { code: "BAD_REQUEST" });
    const sql = body.sql;
    const p = workspace.open(name);
    return send(
      c,
      await withDataReader(
        p,
        () => workspace.latestRun(name),
        (reader, path) => runSql(reader, path, sql),
      ),
    );
  });

  api.post("/pipelines/:name/packages/:id/retry", async (c) => {
    const p = workspace.open(c.req.param("name"));
    const info = await p.retryPackage(c.req.param("id"));
    const rows = Object.values(info.rowCounts).reduce((n, r) => n + r, 0);
    return send(c, {
      ok: true,
      message: `package ${info.loadId} loaded: ${rows} row${rows === 1 ? "" : "s"}`,
    });
  });

  api.post("/pipelines/:name/packages/:id/drop", (c) => {
    const p = workspace.open(c.req.param("name"));
    const id = c.req.param("id");
    const dropped = p.dropPackages({ loadIds: [id] });
    return send(c, {
      ok: true,
      message: `dropped package ${dropped.map((m) => m.load_id).join(", ") || id}: its data is extracted again by the next run`,
    });
  });

  api.get("/events", (c) =>
    streamSSE(c, async (stream) => {
      let queue = Promise.resolve();
      const unsubscribe = live.subscribe((e) => {
        const data = e.event === "pipelines" ? pipelines() : e.data;
        queue = queue.then(() => stream.writeSSE({ event: e.event, data: JSON.stringify(data, jsonValue) }));
      });
      // Whatever is running now, at once: a page opened mid-run does not wait for the next change.
      for (const name of workspace.names()) {
        const run = workspace.latestRun(name);
        if (run?.status === "running")
          await stream.writeSSE({ event: "run", data: JSON.stringify(runLive(run), jsonValue) });
      }
      stream.onAbort(unsubscribe);
      while (!stream.aborted && !stream.closed) {
        await stream.sleep(15_000);
        // A comment line keeps proxies and the browser from timing the stream out.
        if (!stream.aborted) await stream.write(": keep-alive\n\n");
      }
      unsubscribe();
    }),
  );

  api.all("*", (c) =>
    send(c, { error: { message: `No API route ${c.req.method} ${new URL(c.req.url).pathname}` } }, 404),
  );
  return api;
}

function send(c: Context, body: unknown, status: 200 | 400 | 404 | 409 | 500 | 503 = 200): Response {
  return c.body(JSON.stringify(body, jsonValue), status, {
    "content-type": "application/json; charset=utf-8",
  });
}

function intParam(raw: string | undefined, fallback: number): number {
  const n = raw === undefined ? Number.NaN : Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : fallback;
}

export function pipelineSummary(workspace: Workspace, name: string): PipelineSummary {
  const runs = workspace.runIds(name);
  const latest = workspace.latestRun(name);
  const finished =
    latest?.status === "running" ? workspace.runs(name).find((r) => r.status !== "running") : latest;
  const p = workspace.open(name);
  const pending = p.pendingPackages();
  return {
    name,
    destination: {
      name: latest?.destination ?? workspace.destinationName(name),
      location: latest?.location ?? p.destinationLocation,
    },
    dataset: p.datasetName,
    runs: runs.length,
    ...(finished === undefined ? {} : { last_run: runSummary(finished) }),
    ...(latest?.status === "running" ? { running: runSummary(latest) } : {}),
    pending_packages: pending.filter((x) => x.manifest.status !== "failed").length,
    failed_packages: pending.filter((x) => x.manifest.status === "failed").length,
  };
}

function packageRows(pending: ReturnType<Pipeline["pendingPackages"]>): PackageRow[] {
  return pending.map(({ manifest, loadable }) => ({
    load_id: manifest.load_id,
    status: manifest.status,
    created_at: manifest.created_at,
    records: Object.values(manifest.resources).reduce((n, r) => n + r.records, 0),
    ...(manifest.failure === undefined
      ? {}
      : {
          failure: {
            message: manifest.failure.message,
            ...(manifest.failure.hint === undefined ? {} : { hint: manifest.failure.hint }),
            attempts: manifest.failure.attempts,
            kind: manifest.failure.transient ? "transient" : "refused",
          },
        }),
    loadable,
  }));
}
