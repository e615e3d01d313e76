import { Argument, Command, Option } from "commander";
import { readGlobalOptions } from "./global-options.js";
import type { CliIO } from "./io.js";
import { UsageError } from "./report-error.js";

// Commands are imported when they run: `--help`, `init` and `validate` never load DuckDB or the pipeline.

export const VERSION = "0.1.0";

const EXIT_CODES = `
Exit codes:
  0  success
  1  the run failed (HTTP, destination, load), or \`validate\` found problems
  2  the command could not start: bad flags, unreadable or invalid config, missing secret
  130  stopped by Ctrl-C (SIGINT); 143 stopped by SIGTERM: the run lock is released, rerun to resume`;

/** The `sluice` command tree. Actions report their exit code through `setCode`. */
export function buildProgram(io: CliIO, setCode: (code: number) => void): Command {
  const program = new Command("sluice")
    .description("Load data from REST APIs into DuckDB, PostgreSQL or Parquet from a declarative config.")
    .version(VERSION, "-V, --version")
    .addOption(
      new Option("--log-level <level>", "log level").choices(["debug", "info", "warn", "error", "silent"]),
    )
    .addOption(
      new Option("--log-format <format>", "log line format").choices(["text", "json"]).default("text"),
    )
    .option("--verbose", "debug logs and stack traces on errors")
    .exitOverride()
    .showHelpAfterError("(add --help for usage)")
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .addHelpText(
      "after",
      `
Examples:
  $ sluice init my_api                 scaffold a config and a secrets file
  $ sluice validate my_api.yaml        check a config: every problem, with the fix
  $ sluice run my_api.yaml             load it into ./my_api.duckdb
  $ sluice pipeline my_api info        what was loaded, when, how many rows
${EXIT_CODES}`,
    );

  const globals = (cmd: Command) => readGlobalOptions(cmd.optsWithGlobals());

  program
    .command("run")
    .description("Extract, normalize and load a config's resources into a destination.")
    .argument("<config>", "config file: .json, .json5, .yaml/.yml, .toml, or a .ts/.js module")
    .option("-p, --pipeline <name>", "pipeline name (default: the config file's stem)")
    .option("-d, --destination <destination>", "duckdb (default), postgres, filesystem, or a destination URL")
    .option("--dataset <name>", "dataset: schema or folder (default: <pipeline>_dataset)")
    .option(
      "--pipelines-dir <dir>",
      "pipeline working dirs (default: ~/.sluice/pipelines or $SLUICE_PIPELINES_DIR)",
    )
    .option("--full-refresh", "drop the dataset's tables and the pipeline state first")
    .option("--resources <names>", "only these resources, comma-separated (their parents run too)")
    .option("--credentials <value>", "destination credentials: a postgres URL or a DuckDB file path")
    .option(
      "--bucket-url <url>",
      "filesystem destination: folder or file:// URL to write to (else $DESTINATION__FILESYSTEM__BUCKET_URL)",
    )
    .option("--file-format <format>", "filesystem destination: parquet (default) or jsonl")
    .option(
      "--record <dir>",
      "record every HTTP exchange into <dir>/<pipeline>.cassette.json (secrets scrubbed)",
    )
    .option("--replay <dir>", "answer every request from the cassette in <dir>: no network at all")
    .option("--strict", "with --replay: fail when a recorded exchange went unused")
    .option("--update", "with --record: overwrite an existing cassette")
    .option(
      "--on <temporal>",
      "run as a workflow on Temporal: temporal://HOST:PORT[/namespace] (workers: `sluice worker`)",
    )
    .option("--task-queue <name>", "with --on: the workers' task queue (default sluice)")
    .option(
      "--partition-pages <n>",
      "with --on: pages per partition of a resource with a known total (default 50)",
    )
    .option(
      "--partition-parents <n>",
      "with --on: parent records per partition of a child resource (default 100)",
    )
    .option(
      "--heartbeat-timeout <s>",
      "with --on: seconds of silence after which a worker counts as dead (default 10)",
    )
    .addHelpText(
      "after",
      `
Examples:
  $ sluice run examples/analytics.json
  $ sluice run github.yaml --pipeline gh --dataset raw --resources issues,comments
  $ sluice run github.yaml --destination postgres --credentials postgresql://me@localhost/db
  $ sluice run github.yaml --destination filesystem --bucket-url ./out --file-format jsonl
  $ sluice run github.yaml --full-refresh --log-format json
  $ sluice run github.yaml --record test/cassettes        then, offline:
  $ sluice run github.yaml --replay test/cassettes --strict
  $ sluice run github.yaml --on temporal://127.0.0.1:7233       on Temporal's workers
${EXIT_CODES}`,
    )
    .action(async (config: string, opts: Record<string, unknown>, cmd: Command) => {
      const { runCommand } = await import("./commands/run.js");
      setCode(await runCommand(config, opts, globals(cmd), io));
    });

  program
    .command("preview")
    .description(
      "Fetch the first pages of each resource and show the requests, rows and schema sluice would make: nothing is written.",
    )
    .argument("<config>", "config file")
    .option("--resource <name...>", "only these resources (their parents are fetched as needed)")
    .option("--pages <n>", "pages per resource (per parent record, for a child)", "2")
    .option("--json", "everything as one JSON document")
    .addHelpText(
      "after",
      `
Per request: method, URL (secrets masked), status, time, bytes, records selected and the paginator's
decision (the next request, or why paging stops). Then the first rows of each table (NULL apart from
empty text) and the schema a first run would create. Children are read for the first 3 parent records.
A data_selector that selects nothing is shown with the lists the response does have.

Examples:
  $ sluice preview github.yaml
  $ sluice preview github.yaml --resource issues --pages 1 --json

Exits 0 when every resource read, 1 when one failed.`,
    )
    .action(async (config: string, opts: Record<string, unknown>, cmd: Command) => {
      const { previewCommand } = await import("./commands/preview.js");
      setCode(await previewCommand(config, opts, globals(cmd), io));
    });

  program
    .command("validate")
    .description("Check a config without running it: every problem, with where and how to fix it.")
    .argument("<config>", "config file")
    .addHelpText(
      "after",
      `
Examples:
  $ sluice validate my_api.yaml

Exits 0 when the config is valid, 1 when it is not (every problem is listed), 2 on bad flags.
Missing secrets are reported as warnings: they are looked up again when the config runs.`,
    )
    .action(async (config: string, _opts: unknown, cmd: Command) => {
      const { validateCommand } = await import("./commands/validate.js");
      setCode(await validateCommand(config, globals(cmd), io));
    });

  program
    .command("init")
    .description("Scaffold a config, a .sluice/secrets.toml template and a .gitignore entry for it.")
    .argument("[name]", "config and pipeline name", "my_api")
    .addOption(new Option("--format <format>", "config file format").choices(["yaml", "json", "toml"]))
    .option("--force", "overwrite an existing config")
    .option(
      "--openapi <spec>",
      "generate the config from an OpenAPI 3.0/3.1 or Swagger 2.0 spec (file or URL)",
    )
    .option("--tags <tags>", "--openapi: only endpoints with these tags (comma-separated)")
    .option("--paths <paths>", "--openapi: only these paths (comma-separated; /users, /users/*, /v1/**)")
    .option("--out <file>", "--openapi: where to write the config (default <spec stem>.yaml)")
    .option("--check", "--openapi: read the first pages of every resource and rewrite what they prove wrong")
    .addHelpText(
      "after",
      `
Examples:
  $ sluice init                 writes my_api.yaml
  $ sluice init github --format toml
  $ sluice init --openapi ./openapi.yaml --tags issues --out github.yaml
  $ sluice init --openapi https://api.example.com/openapi.json --check

The scaffold runs as-is against the bundled demo API (\`npm run demo -- --serve\`).`,
    )
    .action(
      async (
        name: string | undefined,
        opts: { format?: "yaml" | "json" | "toml"; force?: boolean; openapi?: string } & Record<
          string,
          unknown
        >,
      ) => {
        if (opts.openapi !== undefined) {
          const { initOpenApiCommand } = await import("./commands/init-openapi.js");
          setCode(await initOpenApiCommand(opts.openapi, opts, io));
          return;
        }
        const { initCommand } = await import("./commands/init.js");
        setCode(initCommand(name, opts, io));
      },
    );

  program
    .command("pipeline")
    .description(
      "Inspect or change a pipeline: info, show, trace, drop, packages; `pipeline list` lists them.",
    )
    .argument("<name>", "pipeline name, or `list` to list the pipelines")
    .addArgument(
      new Argument("[action]", "what to do").choices(["info", "show", "trace", "drop", "packages"]),
    )
    .argument(
      "[targets...]",
      "show: a table name; drop: resource names; packages: [retry <load_id> | drop <load_id...>]",
    )
    .option(
      "--pipelines-dir <dir>",
      "pipeline working dirs (default: ~/.sluice/pipelines or $SLUICE_PIPELINES_DIR)",
    )
    .option("--rows <n>", "show: how many rows", "10")
    .option("--credentials <url>", "postgres pipelines: the connection URL (else the environment)")
    .option("--json", "machine-readable output")
    .option("--all-failed", "packages drop: every failed package")
    .option("--yes", "drop: do not ask for confirmation on a terminal")
    .option(
      "--requests",
      "trace: the requests of the last run (first and last 300 per resource, every failed or retried one)",
    )
    .option("--resource <name>", "trace --requests: only this resource's")
    .option("--run <id>", "trace: this run instead of the last (ids: `info`, or the dashboard)")
    .option("--web", "show: open the dashboard at this pipeline instead of printing")
    .option("--port <n>", "show --web: the dashboard's port (default a free one)")
    .option("--open", "show --web: open it in the browser")
    .option(
      "--status <status>",
      "trace --requests: only this status (404) or class (4xx, 5xx); 0 for network errors",
    )
    .addHelpText(
      "after",
      `
  list                 (as the name) every pipeline in the pipelines dir: last run, rows, destination

Actions:
  info                 last loads, tables with row counts, destination, state
  show [table]         a table's columns and first rows (without a table: the list of tables)
  show --web           the dashboard (\`sluice dashboard\`) at this pipeline
  trace                the last run: stages, timings, requests, retries (no secrets); --run <id> another
  drop <resource...>   drop the resources' tables and state (and packages not loaded); the next run
                       loads them anew
  packages             packages extracted but not loaded: pending and failed, with the reason
  packages retry <id>  load a failed package now, exactly once (refused once a newer load committed)
  packages drop <id…>  discard packages not loaded (or --all-failed); their data is extracted again

Failed packages: a package the destination refuses is marked failed with the reason and set aside: the
next run warns, extracts its data again (its state was never committed) and goes on. A transient failure
(lost connection, full disk, lock) is retried once by the next run by itself. A failed package can be
retried only while no newer load has committed since; after that it is superseded and can only be dropped.

Examples:
  $ sluice pipeline analytics info
  $ sluice pipeline analytics show analytics_data --rows 5
  $ sluice pipeline analytics trace --json
  $ sluice pipeline analytics trace --requests --status 4xx
  $ sluice pipeline analytics drop analytics_data
  $ sluice pipeline analytics packages
  $ sluice pipeline analytics packages retry 1764629401.123456
  $ sluice pipeline analytics packages drop --all-failed`,
    )
    .action(
      async (
        name: string,
        action: string | undefined,
        targets: string[],
        opts: Record<string, unknown>,
        cmd: Command,
      ) => {
        if (name === "list" && action === undefined) {
          const { pipelineList } = await import("./commands/pipeline-list.js");
          setCode(pipelineList(opts, io));
          return;
        }
        if (action === undefined)
          throw new UsageError(
            `Say what to do with pipeline "${name}"`,
            `sluice pipeline ${name} info|show|trace|drop|packages, or \`sluice pipeline list\``,
          );
        const { pipelineCommand } = await import("./commands/pipeline.js");
        setCode(await pipelineCommand(name, action, targets, opts, globals(cmd), io));
      },
    );

  program
    .command("dashboard")
    .description(
      "A local web app over every pipeline: runs, schema versions and diffs, the data, SQL, live runs.",
    )
    .option(
      "--pipelines-dir <dir>",
      "pipeline working dirs (default: ~/.sluice/pipelines or $SLUICE_PIPELINES_DIR)",
    )
    .option("--port <n>", "port on 127.0.0.1 (default: a free one)")
    .option("--open", "open it in the browser")
    .option("--credentials <url>", "postgres pipelines: the connection URL (else the environment)")
    .addHelpText(
      "after",
      `
It listens on 127.0.0.1 only and needs no network. Data is read without blocking a run: a DuckDB file
being written is read through the run that writes it.

Examples:
  $ sluice dashboard --open
  $ sluice dashboard --pipelines-dir ./pipelines --port 4000`,
    )
    .action(async (opts: Record<string, unknown>) => {
      const { dashboardCommand } = await import("./commands/dashboard.js");
      setCode(await dashboardCommand(opts, io));
    });

  program
    .command("worker")
    .description("Run sluice's Temporal workflows and activities: partitions of runs and their loads.")
    .option("--temporal <host:port>", "the Temporal server's frontend, e.g. 127.0.0.1:7233")
    .option("--namespace <ns>", "Temporal namespace (default: default)")
    .option("--task-queue <name>", "task queue to poll (default: sluice)")
    .option("--concurrency <n>", "partitions and loads run at once by this worker (default 4)")
    .option(
      "--storage <dir>",
      "partition storage every worker reaches (default: $SLUICE_PARTITION_STORAGE or ~/.sluice/partitions)",
    )
    .option("--pipelines-dir <dir>", "pipeline working dirs (default: ~/.sluice/pipelines)")
    .addHelpText(
      "after",
      `
Start any number, on any machines that reach the Temporal server, the APIs and the destination; secrets
and destination credentials are read here (environment, .sluice/secrets.toml), never sent with a run.

Examples:
  $ temporal server start-dev --ip 127.0.0.1 --port 7233      a dev server to try it
  $ sluice worker --temporal 127.0.0.1:7233 --concurrency 8
  $ sluice run my_api.yaml --on temporal://127.0.0.1:7233`,
    )
    .action(async (opts: Record<string, unknown>, cmd: Command) => {
      const { workerCommand } = await import("./commands/worker.js");
      setCode(await workerCommand(opts, globals(cmd), io));
    });

  program
    .command("schedule")
    .description("Temporal Schedules of pipelines: one per pipeline, a run never overlapping the last.")
    .addArgument(new Argument("<action>", "what to do").choices(["create", "list", "delete"]))
    .argument("[config]", "create: the config; delete: the config or the schedule id")
    .option("--on <temporal>", "temporal://HOST:PORT[/namespace]")
    .option("--cron <expr>", 'create: when, as a cron expression ("0 * * * *": hourly)')
    .option("--every <duration>", "create: when, as an interval (90s, 15m, 1h)")
    .option("-p, --pipeline <name>", "pipeline name (default: the config file's stem)")
    .option("-d, --destination <destination>", "duckdb (default), postgres, filesystem, or a destination URL")
    .option("--dataset <name>", "dataset: schema or folder (default: <pipeline>_dataset)")
    .option("--resources <names>", "only these resources, comma-separated")
    .option("--task-queue <name>", "the workers' task queue (default sluice)")
    .option("--partition-pages <n>", "pages per partition of a resource with a known total (default 50)")
    .option("--partition-parents <n>", "parent records per partition of a child resource (default 100)")
    .option("--heartbeat-timeout <s>", "seconds of silence after which a worker counts as dead (default 10)")
    .option("--json", "list: machine-readable output")
    .addHelpText(
      "after",
      `
Examples:
  $ sluice schedule create my_api.yaml --cron "0 * * * *" --on temporal://127.0.0.1:7233
  $ sluice schedule list --on temporal://127.0.0.1:7233
  $ sluice schedule delete my_api.yaml --on temporal://127.0.0.1:7233`,
    )
    .action(async (action: string, config: string | undefined, opts: Record<string, unknown>) => {
      const { scheduleCommand } = await import("./commands/schedule.js");
      setCode(await scheduleCommand(action, config, opts, io));
    });

  program
    .command("schema")
    .description("Print a pipeline's stored schema: tables, columns, types, keys.")
    .argument("<pipeline>", "pipeline name")
    .option("--pipelines-dir <dir>", "pipeline working dirs")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .addHelpText(
      "after",
      `
Examples:
  $ sluice schema analytics
  $ sluice schema analytics --format json > schema.json`,
    )
    .action(async (name: string, opts: Record<string, unknown>, cmd: Command) => {
      const { schemaCommand } = await import("./commands/schema.js");
      setCode(await schemaCommand(name, opts, globals(cmd), io));
    });

  return program;
}
