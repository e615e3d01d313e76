import type { DataRecord } from "../core/json.js";
import type { Logger } from "../core/logger.js";

/**
 * Public contract of the HTTP layer. The declarative source builds these from config; the pipeline
 * only sees the pages they produce.
 */
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
export type ParamScalar = string | number | boolean | null;
export type ParamValue = ParamScalar | ParamScalar[];

/** Retry policy, in the seeds' spelling (`error_handler`). Defaults: [429,500,502,503,504], 3, 2, 60. */
export interface RetryPolicy {
  retry_on_status_codes: number[];
  max_retries: number;
  backoff_factor: number;
  /** Longest single wait, seconds. */
  max_delay: number;
}

export type AuthConfig =
  | { type?: "bearer"; token: string }
  | { type: "api_key"; name?: string; api_key: string; location?: "header" | "query" | "param" | "cookie" }
  | { type: "http_basic"; username: string; password: string }
  | {
      type: "oauth2_client_credentials" | "oauth2";
      access_token_url?: string;
      token_url?: string;
      client_id: string;
      client_secret: string;
      access_token_request_data?: Record<string, string>;
      scopes?: string | string[];
      /** Send client_id/secret as HTTP Basic instead of in the form body. */
      client_auth?: "body" | "basic";
      default_token_expiration?: number;
    };

/** A response action, dlt's shape: match on status and/or body content, then act. */
export type ResponseAction =
  | { status_code?: number | number[]; content?: string; action: "ignore" | "retry" | "fail" }
  | ((response: HttpResponse) => "ignore" | "retry" | "fail" | undefined);

export type PaginatorConfig =
  | { type: "single_page"; maximum_pages?: number }
  | {
      type: "offset";
      limit: number;
      offset?: number;
      offset_param?: string;
      limit_param?: string;
      total_path?: string | null;
      maximum_offset?: number;
      stop_after_empty_page?: boolean;
      has_more_path?: string;
      offset_body_path?: string;
      limit_body_path?: string;
      maximum_pages?: number;
    }
  | {
      type: "page_number";
      base_page?: number;
      /** Seeds' spelling of base_page. */
      start_from_page?: number;
      page?: number;
      page_param?: string;
      page_body_path?: string;
      total_path?: string | null;
      maximum_page?: number;
      stop_after_empty_page?: boolean;
      has_more_path?: string;
      /** Page size: a page shorter than it is the last (seeds' spelling). */
      limit?: number;
      maximum_pages?: number;
    }
  | {
      type: "cursor";
      cursor_path?: string;
      cursor_param?: string;
      cursor_body_path?: string;
      maximum_pages?: number;
    }
  | { type: "json_link"; next_url_path?: string; maximum_pages?: number }
  /** dlt's deprecated name of json_link. */
  | { type: "json_response"; next_url_path?: string; maximum_pages?: number }
  | { type: "header_link"; links_next_key?: string; maximum_pages?: number }
  | { type: "header_cursor"; cursor_key?: string; cursor_param?: string; maximum_pages?: number }
  | { type: "auto"; maximum_pages?: number };

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
  /** Proactive rate limiting from `Retry-After` / `RateLimit-*` / `X-RateLimit-*` headers (default true). */
  rate_limit?: boolean;
  /** Clock and sleep, injectable so tests run retries and token expiry without real waits. */
  timers?: Partial<HttpTimers>;
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
  /** Called on every retry: for progress metrics. */
  onRetry?: (info: { attempt: number; status?: number; delayMs: number }) => void;
  /** Called after every HTTP exchange (each attempt and redirect hop): for request metrics and traces. */
  onResponse?: (info: ResponseInfo) => void;
}
