import { execFile } from "node:child_process";
import { connect, createServer } from "node:net";
import { networkInterfaces } from "node:os";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import {
  freePort,
  requireTemporalCli,
  startTemporalDevServer,
  type TemporalDevServer,
} from "./temporal-server.js";

const cli = requireTemporalCli();

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2_000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
    socket.once("timeout", () => done(false));
  });
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

function portOf(address: string): number {
  return Number(address.slice(address.lastIndexOf(":") + 1));
}

// Addresses other than loopback through which a wildcard-bound server would be reachable.
function otherLocalAddresses(): string[] {
  const addrs = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && !a.internal && a.family === "IPv4")
    .map((a) => a?.address)
    .filter((a): a is string => a !== undefined);
  return ["::1", ...addrs];
}

describe.skipIf(cli === undefined)("Temporal dev server", () => {
  let server: TemporalDevServer | undefined;
  afterAll(async () => {
    await server?.stop();
  });

  it("starts on 127.0.0.1 only, answers SERVING, and releases its port on stop", async () => {
    server = await startTemporalDevServer({ cli });
    expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(server.namespace).toBe("default");
    const port = portOf(server.address);

    const { stdout } = await promisify(execFile)(server.cli, [
      "operator",
      "cluster",
      "health",
      "--address",
      server.address,
      "--disable-config-file",
      "--disable-config-env",
    ]);
    expect(stdout.trim()).toBe("SERVING");

    expect(await canConnect("127.0.0.1", port)).toBe(true);
    for (const host of otherLocalAddresses()) {
      expect(await canConnect(host, port), `reachable via ${host}`).toBe(false);
    }

    await server.stop();
    // A second stop must be harmless: afterAll calls it again.
    await server.stop();
    expect(await canConnect("127.0.0.1", port)).toBe(false);
    expect(await canBind(port)).toBe(true);
  });
});

it("freePort hands out a bindable 127.0.0.1 port", async () => {
  const port = await freePort();
  expect(port).toBeGreaterThan(0);
  expect(await canBind(port)).toBe(true);
});
