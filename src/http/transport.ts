import { type Agent, request as undiciRequest } from "undici";
import { ResponseTooLarge, readBodyText } from "./body.js";
import type { HttpMethod } from "./types.js";

/**
 * What an exchange is for, beside the bytes: which resource and page asked, and the values of the
 * request that vary per run. The network ignores it; a cassette keys and templates by it.
 */
export interface ExchangeContext {
  /** `page` for a resource's request (`resource` unset for a bare `request()`), `token` for an OAuth2 token POST. */
  kind: "page" | "token";
  resource?: string;
  /** 0-based page index within the pagination; the same for every attempt of that page. */
  page?: number;
  /** Name → value of request values that vary per run (incremental start values): see PaginateOptions.variables. */
  variables?: Readonly<Record<string, string>>;
}

/** One exchange as it goes on the wire: auth applied, body encoded. */
export interface TransportRequest {
  method: HttpMethod;
  /** Absolute URL with its query string, secrets included: never print it unmasked. */
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
  signal?: AbortSignal | undefined;
  context: ExchangeContext;
}

/** An answer with its body read and decoded. */
export interface TransportResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * Sends one exchange. The client's only way to the network, so a recorder can wrap it and a replayer
 * can stand in for it without the client knowing.
 */
export interface HttpTransport {
  send(req: TransportRequest, limits: { maxResponseBytes: number }): Promise<TransportResponse>;
}

/** Wraps (record) or replaces (replay) the network transport a client builds from its own options. */
export type TransportLayer = (network: HttpTransport) => HttpTransport;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** The real network: undici over the client's pool, bodies bounded by `maxResponseBytes`. */
export function undiciTransport(agent: Agent): HttpTransport {
  return {
    async send(req, { maxResponseBytes }) {
      const res = await undiciRequest(req.url, {
        dispatcher: agent,
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal: req.signal,
      });
      // A redirect's body is never used: drained unread so the connection goes back to the pool.
      if (REDIRECTS.has(res.statusCode) && res.headers["location"] !== undefined) {
        await res.body.dump();
        return { status: res.statusCode, headers: res.headers, text: "" };
      }
      try {
        return {
          status: res.statusCode,
          headers: res.headers,
          text: await readBodyText(res, maxResponseBytes),
        };
      } catch (err) {
        // A body too large still has a status to report.
        if (err instanceof ResponseTooLarge) err.status = res.statusCode;
        throw err;
      }
    },
  };
}
