import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { startDashboard } from "../../dashboard/server.js";
import { destinationOptions } from "../destination-flags.js";
import { EXIT } from "../exit-codes.js";
import type { CliIO } from "../io.js";
import { pipelinesDir } from "../open-pipeline.js";
import { UsageError } from "../report-error.js";

export interface DashboardFlags {
  pipelinesDir?: string;
  port?: string;
  open?: boolean;
  credentials?: string;
}

/**
 * `sluice dashboard`: serves the web app on 127.0.0.1 until Ctrl-C (or SIGTERM), over every pipeline in
 * the pipelines dir. `at` opens it at one pipeline's page (`sluice pipeline <name> show --web`).
 */
export async function dashboardCommand(
  flags: DashboardFlags,
  io: CliIO,
  at?: string,
  until: Promise<unknown> = stopSignal(),
): Promise<number> {
  const dir = pipelinesDir(flags.pipelinesDir, io);
  const port = flags.port === undefined ? 0 : Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new UsageError(
      `--port ${flags.port} is not a port`,
      "give a number from 1 to 65535, or leave it out for a free one",
    );
  if (!existsSync(dir))
    io.stderr.write(
      `note: ${dir} does not exist yet; pipelines appear here once \`npx sluice run <config>\` creates them\n`,
    );
  const dashboard = await startDashboard({
    pipelinesDir: dir,
    cwd: io.cwd,
    env: io.env,
    destinationOptions: destinationOptions({ credentials: flags.credentials }),
    ...(port === 0 ? {} : { port }),
  }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === "EADDRINUSE")
      throw new UsageError(
        `Port ${port} on 127.0.0.1 is in use`,
        "pick another with --port, or leave --port out for a free one",
      );
    throw err;
  });
  const url = at === undefined ? dashboard.url : `${dashboard.url}p/${encodeURIComponent(at)}`;
  io.stdout.write(`sluice dashboard: ${url}\n  pipelines in ${dir}\n  Ctrl-C stops it\n`);
  if (flags.open) openBrowser(url, io);
  await until;
  await dashboard.close();
  return EXIT.ok;
}

function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
}

/** The platform's opener; where there is none (a server, a container) the URL printed above is the way. */
function openBrowser(url: string, io: CliIO): void {
  const [cmd, args] =
    process.platform === "darwin"
      ? ["open", [url]]
      : process.platform === "win32"
        ? ["cmd", ["/c", "start", "", url]]
        : ["xdg-open", [url]];
  const child = spawn(cmd, args, { detached: true, stdio: "ignore" });
  child.on("error", () => io.stderr.write(`could not start ${cmd}: open ${url} in your browser\n`));
  child.unref();
}
