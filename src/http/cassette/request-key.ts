import { parseJson } from "../../core/json-parse.js";
import { recordToJson } from "../../core/record-json.js";
import type { TransportRequest } from "../transport.js";
import {
  type ScrubRules,
  scrubForm,
  scrubJson,
  scrubQuery,
  scrubRequestHeaders,
  scrubText,
} from "./scrub.js";
import { templateJson, templateQuery, templateText } from "./templates.js";

/** A request as a cassette stores it: secrets scrubbed, per-run values templated. */
export interface RecordedRequest {
  method: string;
  /** Origin and path, without the query. */
  url: string;
  /** Query parameters in the order sent; a repeated name repeats. */
  query: Array<[string, string]>;
  headers: Record<string, string>;
  /** The body: JSON as a value, a form as its fields, anything else as text. */
  json?: unknown;
  form?: Array<[string, string]>;
  text?: string;
}

/** Which exchange of a run a request is: token requests belong to no resource and no page. */
export interface ExchangeRequest {
  resource: string | null;
  page: number | null;
  request: RecordedRequest;
}

/**
 * The one normalization both sides go through: a request being recorded, and a request being replayed
 * before it is looked up. Identical normalization is what lets a replay with other secrets (or other
 * incremental start values) find the recorded answer.
 */
export function describeRequest(req: TransportRequest, rules: ScrubRules): ExchangeRequest {
  const vars = req.context.variables;
  const u = new URL(req.url);
  const query = templateQuery(scrubQuery([...u.searchParams], rules), vars);
  const out: RecordedRequest = {
    method: req.method,
    url: `${u.origin}${templateText(scrubText(u.pathname), vars)}`,
    query,
    headers: scrubRequestHeaders(req.headers, rules),
  };
  if (req.body !== undefined && req.body !== "") {
    const type = (req.headers["content-type"] ?? "").toLowerCase();
    if (type.includes("application/x-www-form-urlencoded"))
      out.form = scrubForm([...new URLSearchParams(req.body)], rules).map(([k, v]) => [
        k,
        templateText(v, vars),
      ]);
    else {
      const json = tryJson(req.body);
      if (json.ok) out.json = templateJson(scrubJson(json.value), vars);
      else out.text = templateText(scrubText(req.body), vars);
    }
  }
  const isToken = req.context.kind === "token";
  return {
    resource: isToken ? null : (req.context.resource ?? null),
    page: isToken ? null : (req.context.page ?? 0),
    request: out,
  };
}

export function tryJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: parseJson(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * The keying rule: resource, page, method, URL, query (ordered by name: order rarely means anything to
 * an API, and paginators and auth add parameters in their own order) and body. Headers are not part of
 * it, so a request carrying another token than the recorded one still matches.
 */
export function requestKey(e: ExchangeRequest): string {
  const r = e.request;
  const query = [...r.query].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return recordToJson([e.resource, e.page, r.method, r.url, query, bodyOf(r)]);
}

/** The body as one comparable value, whatever form it was stored in. */
export function bodyOf(r: RecordedRequest): unknown {
  if (r.json !== undefined) return { json: r.json };
  if (r.form !== undefined) return { form: r.form };
  if (r.text !== undefined) return { text: r.text };
  return null;
}
