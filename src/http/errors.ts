import { SluiceError } from "../core/errors.js";
import { maskUrl, redact } from "../core/redact.js";

const SNIPPET_CHARS = 200;

/** First ~200 characters of a body, on one line, secrets masked. */
export function bodySnippet(text: string | undefined): string {
  if (!text) return "";
  const flat = text.length > SNIPPET_CHARS ? `${text.slice(0, SNIPPET_CHARS)}…` : text;
  return redact(flat.replace(/\s+/g, " ").trim());
}

export interface HttpErrorDetails {
  resource?: string | undefined;
  method: string;
  /** Unmasked: masked on construction. */
  url: string;
  status?: number | undefined;
  body?: string | undefined;
  contentType?: string | undefined;
  attempts?: number | undefined;
  cause?: unknown;
}

function hintFor(status: number | undefined, code: string): string {
  if (code === "HTTP_NOT_JSON")
    return "The API answered with something other than JSON (often a maintenance or login page): check base_url and path, or retry later.";
  if (code === "HTTP_RESPONSE_TOO_LARGE")
    return "If the API really sends responses this large, raise client.max_response_bytes (bytes; default 134217728 = 128 MiB) in the config; better, ask for smaller pages (a lower page size / limit).";
  if (status === undefined)
    return "Check that the host is reachable and base_url is right; raise connect_timeout/read_timeout or error_handler.max_retries for a slow or flaky API.";
  if (status === 401 || status === 403)
    return "Check the credentials in `auth` (and their scopes); the secret values are read from the environment or .sluice/secrets.toml.";
  if (status === 404)
    return "Check base_url and the endpoint path; use response_actions with action `ignore` if a 404 is expected.";
  if (status === 429)
    return "The API rate-limits this client: lower concurrency or raise error_handler.max_retries / backoff_factor.";
  if (status >= 500) return "The API failed on its side: retry later, or raise error_handler.max_retries.";
  return "Check the request parameters and body of this endpoint against the API's documentation.";
}

/** A request that failed for good: names the resource, method, masked URL, status and a body snippet. */
export class HttpError extends SluiceError {
  readonly resource: string | undefined;
  readonly method: string;
  readonly url: string;
  readonly status: number | undefined;
  readonly bodySnippet: string;

  constructor(what: string, details: HttpErrorDetails, code = "HTTP_ERROR") {
    const url = maskUrl(details.url);
    const snippet = bodySnippet(details.body);
    const parts = [
      details.resource ? `resource "${details.resource}": ` : "",
      `${details.method} ${url}`,
      details.status !== undefined ? ` → ${details.status}` : "",
      `: ${what}`,
      details.contentType ? ` (${details.contentType})` : "",
      details.attempts !== undefined && details.attempts > 1 ? ` after ${details.attempts} attempts` : "",
      snippet ? `; body: ${snippet}` : "",
    ];
    super(parts.join(""), { code, hint: hintFor(details.status, code), cause: details.cause });
    this.resource = details.resource;
    this.method = details.method;
    this.url = url;
    this.status = details.status;
    this.bodySnippet = snippet;
  }
}

/** Obtaining an OAuth2 token failed. */
export class AuthError extends SluiceError {
  constructor(message: string, hint: string, cause?: unknown) {
    super(message, { code: "AUTH_FAILED", hint, cause });
  }
}
