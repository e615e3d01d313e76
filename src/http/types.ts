import type { DataRecord } from "../core/json.js";
import type { Logger } from "../core/logger.js";
import type { PageWindow } from "../core/resource.js";
import type { BuiltinAuthConfig } from "./auth/builtins.js";
import type { RegisteredAuthConfig } from "./auth/registry.js";
import type { RateBudget } from "./host-gate.js";
import type { BuiltinPaginatorConfig } from "./paginators/builtins.js";
import type { RegisteredPaginatorConfig } from "./paginators/registry.js";
import type { ResponseAction } from "./response-actions.js";
import type { RetryPolicy } from "./retry.js";
import type { TransportLayer } from "./transport.js";

/**
 * Public contract of the HTTP layer. The declarative source builds these from config; the pipeline
 * only sees the pages they produce. The config blocks (auth, paginator, retry policy, response
 * actions) are the types of their zod schemas, declared beside the code that reads them.
 */
export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];
export type ParamScalar = string | number | boolean | null;
export type ParamValue = ParamScalar | ParamScalar[];

export type { RateBudget, ResponseAction, RetryPolicy };

/** An auth config with its secrets resolved: a built-in type's, or a registered type's. */
export type AuthConfig = BuiltinAuthConfig | RegisteredAuthConfig;

/** A paginator config: a built-in type's, or a registered type's. */
export type PaginatorConfig = BuiltinPaginatorConfig | RegisteredPaginatorConfig;

/** A form body: a map, or `[key, value]` pairs in order (a key may repeat), or a raw string body. */
export type FormBody = Record<string, string> | Array<[string, string]> | string;

/** One request before the paginator and auth touch it. `path` is relative to the client's base URL, or absolute. */
export interface RequestSpec {
  method?: HttpMethod;
  path: string;
  params?: Record<string, ParamValue | undefined>;
  headers?: Record<string, string>;
  /** JSON body. */
  json?: unknown;
  /** Form (or raw string) body. */
  data?: FormBody;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Final URL, unmasked: mask with `maskUrl` before printing. */
  url: string;
  /** Parsed JSON body (undefined for an empty body). */
  body: unknown;
  /** Raw body text, when it was read as text. */
  text?: string;
  /** Set when a response action said `ignore`: no records, pagination of this request ends. */
  ignored?: boolean;
  /** The exchange that gave this response (its last redirect hop, its last attempt). */
  exchange?: ResponseInfo;
}

export interface Page {
  records: DataRecord[];
  response: HttpResponse;
  /** 0-based page number within this pagination run. */
  index: number;
}

export interface ResponseInfo {
  method: HttpMethod;
  /** Masked: safe to print. */
  url: string;
  status: number;
  /** Time to the full body, ms. */
  durationMs: number;
  /** Body size after decoding, characters. */
  size: number;
  /** Attempt of the logical request this exchange belongs to, from 1. */
  attempt: number;
  /** Time the request waited before this exchange was sent: the rate limit, a quota pause, a retry's backoff. */
  waitMs: number;
}

/** One page, for previews and traces: the exchange that gave it, its records, what the paginator decided. */
export interface PageInfo extends ResponseInfo {
  /** 0-based page number within this pagination run. */
  index: number;
  records: number;
  /** The next request (`GET <masked url>`), the planned pages fetched in parallel, or `stop: <why>`. */
  next: string;
  /** Pages this pagination will have in all, once the paginator planned them from a total. */
  expectedPages?: number;
}

export interface ClientOptions {
  base_url: string;
  auth?: AuthConfig;
  headers?: Record<string, string>;
  retry?: Partial<RetryPolicy>;
  /** Seconds. */
  connect_timeout?: number;
  read_timeout?: number;
  /** Per-host limit on requests in flight (default 8). */
  max_in_flight_per_host?: number;
  logger?: Logger;
  /**
   * Largest response body accepted, bytes, before and after decompression (default 128 MiB): a larger
   * one fails the request (HTTP_RESPONSE_TOO_LARGE) instead of exhausting memory.
   */
  max_response_bytes?: number;
  /** Redirects followed per request (default 5). Credentials are dropped on a hop to another origin. */
  max_redirects?: number;
  /**
   * A request budget per host (`requests_per_second`, `burst`), on top of the adaptive limiting every
   * client does: quota headers (`Retry-After`, `RateLimit-*`, `X-RateLimit-*`) pause a host, a 429
   * halves its in-flight window. `false` turns the adaptive part off too (tests of raw retry behaviour).
   */
  rate_limit?: RateBudget | false;
  /** Clock and sleep, injectable so tests run retries and token expiry without real waits. */
  timers?: Partial<HttpTimers>;
  /** Wraps or replaces the network transport: how a cassette records or replays every exchange. */
  transport?: TransportLayer;
}

export interface HttpTimers {
  /** Resolves after `ms` milliseconds (rejects early when `signal` aborts). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Milliseconds since the epoch. */
  now(): number;
  /** Uniform in [0, 1): jitter. */
  random(): number;
}

export interface PaginateOptions {
  paginator?: PaginatorConfig;
  data_selector?: string;
  response_actions?: ResponseAction[];
  retry?: Partial<RetryPolicy>;
  /** Resource name, for messages. */
  resource?: string;
  /** Where pagination warnings go (the run's logger); default the client's. */
  logger?: Logger;
  /** Override of the client's auth for this endpoint (dlt allows endpoint-level auth). */
  auth?: AuthConfig;
  signal?: AbortSignal;
  /**
   * Pages fetched in parallel once an offset or page_number response tells the total (default 1:
   * sequential). Pages are still yielded in order; the per-host in-flight limit still applies.
   */
  page_concurrency?: number;
  /**
   * Only these pages are yielded (a partition of a scaled-out run). Page 0 is fetched anyway, to plan the
   * rest from its total; the pages in the window are then fetched directly, `page_concurrency` at a time.
   */
  window?: PageWindow;
  /**
   * Called on every retry: for progress metrics and traces (`url` masked). `exchange` is the answer that
   * is retried; a transport failure has none, and `error` instead.
   */
  onRetry?: (info: {
    attempt: number;
    status?: number;
    delayMs: number;
    url: string;
    error?: string;
    exchange?: ResponseInfo;
  }) => void;
  /** Called for every page, before it is yielded. */
  onPage?: (info: PageInfo) => void;
  /** Called after every HTTP exchange (each attempt and redirect hop): for request metrics and traces. */
  onResponse?: (info: ResponseInfo) => void;
  /**
   * Values of this request that vary from run to run (an incremental start value), by name: passed to the
   * transport with each exchange so a recording names them instead of freezing them.
   */
  variables?: Record<string, string>;
}
