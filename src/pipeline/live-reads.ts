import { randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { SluiceError } from "../core/errors.js";
import type { ReadResult } from "../destinations/types.js";

/** What a viewer reads a dataset through: one read-only query at a time, and the names of its tables. */
export interface DatasetReader {
  readQuery(
    sql: string,
    options: { params?: readonly (string | number)[]; limit: number },
  ): Promise<ReadResult>;
  /** How SQL names one of the dataset's tables (quoted, qualified as the destination needs). */
  tableRef(table: string): string | Promise<string>;
}

/** Where a run answers reads, as its run record publishes it. */
export interface ReadEndpoint {
  port: number;
  token: string;
}

type WireRequest =
  | { kind: "query"; sql: string; params?: (string | number)[]; limit: number }
  | { kind: "table_ref"; table: string };

const MAX_REQUEST_BYTES = 1 << 20;

/**
 * Serves read-only queries from inside a running `sluice run`, on 127.0.0.1 with a random token: DuckDB
 * lets one process open a file, so while a run writes, a viewer (the dashboard) reads through the run's
 * own database instance. Reads go through a second connection that sees committed data only, so they
 * never wait on, block or see the load in progress.
 */
export async function serveLiveReads(
  withReader: <T>(fn: (reader: DatasetReader) => Promise<T>) => Promise<T>,
): Promise<ReadEndpoint & { close(): Promise<void> }> {
  const token = randomBytes(24).toString("base64url");
  const expected = Buffer.from(`Bearer ${token}`);
  const server = createServer((req, res) => {
    const given = Buffer.from(req.headers.authorization ?? "");
    if (req.method !== "POST" || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.writeHead(req.method === "POST" ? 401 : 405).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_REQUEST_BYTES) req.destroy();
      else chunks.push(c);
    });
    req.on("end", () => {
      void (async () => {
        let body: unknown;
        try {
          const wire = JSON.parse(Buffer.concat(chunks).toString("utf8")) as WireRequest;
          body = await withReader(async (reader) =>
            wire.kind === "table_ref"
              ? { ref: await reader.tableRef(wire.table) }
              : {
                  result: await reader.readQuery(wire.sql, { params: wire.params ?? [], limit: wire.limit }),
                },
          );
        } catch (err) {
          const e = err as { message?: string; hint?: unknown; code?: unknown };
          body = {
            error: {
              message: e.message ?? String(err),
              ...(typeof e.hint === "string" ? { hint: e.hint } : {}),
              ...(typeof e.code === "string" ? { code: e.code } : {}),
            },
          };
        }
        const text = JSON.stringify(body, jsonValue);
        res.writeHead(200, { "content-type": "application/json" }).end(text);
      })();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  // The run must be able to exit while a viewer keeps a connection open.
  server.unref();
  return {
    port: (server.address() as AddressInfo).port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** JSON for what databases return: bigint as a number when exact, else its digits; dates as ISO text. */
export function jsonValue(_key: string, value: unknown): unknown {
  if (typeof value === "bigint")
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  return value;
}

/** A DatasetReader that asks a running `sluice run` (see serveLiveReads). */
export function remoteReader(endpoint: ReadEndpoint, timeoutMs = 30_000): DatasetReader {
  const refs = new Map<string, string>();
  const call = (wire: WireRequest) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const body = JSON.stringify(wire);
      const req = httpRequest(
        {
          host: "127.0.0.1",
          port: endpoint.port,
          method: "POST",
          path: "/read",
          headers: { authorization: `Bearer ${endpoint.token}`, "content-type": "application/json" },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            try {
              resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>);
            } catch (err) {
              reject(err);
            }
          });
          res.on("error", reject);
        },
      );
      req.on("timeout", () =>
        req.destroy(new Error(`no answer from the running process in ${timeoutMs} ms`)),
      );
      req.on("error", (err: NodeJS.ErrnoException) =>
        reject(
          err.code === "ECONNREFUSED" || err.code === "ECONNRESET"
            ? // The run ended between reading its record and asking it: the next look reads the file.
              new SluiceError("The run finished while being asked", { code: "RUN_STARTING", cause: err })
            : err,
        ),
      );
      req.end(body);
    }).then((answer) => {
      const error = answer["error"] as { message: string; hint?: string; code?: string } | undefined;
      if (error !== undefined)
        throw new SluiceError(error.message, {
          code: error.code ?? "READ_FAILED",
          ...(error.hint === undefined ? {} : { hint: error.hint }),
        });
      return answer;
    });
  return {
    async readQuery(sql, options) {
      const answer = await call({
        kind: "query",
        sql,
        params: [...(options.params ?? [])],
        limit: options.limit,
      });
      return answer["result"] as ReadResult;
    },
    async tableRef(table) {
      let ref = refs.get(table);
      if (ref === undefined) {
        ref = String((await call({ kind: "table_ref", table }))["ref"]);
        refs.set(table, ref);
      }
      return ref;
    },
  };
}
