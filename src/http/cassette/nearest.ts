import { recordToJson } from "../../core/record-json.js";
import { maskUrl } from "../../core/redact.js";
import { bodyOf, type ExchangeRequest } from "./request-key.js";

export interface NearestMatch {
  candidate: ExchangeRequest;
  /** What differs, one short phrase each, recorded value first: `query limit: recorded "5", sent "10"`. */
  differences: string[];
}

const MAX_SHOWN = 80;

function shown(v: unknown): string {
  const text = typeof v === "string" ? JSON.stringify(v) : recordToJson(v);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}

function queryMap(q: Array<[string, string]>): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const [k, v] of q) m.set(k, [...(m.get(k) ?? []), v]);
  return m;
}

/** What tells `recorded` from `sent`, in the order a reader looks: where, what, then the details. */
export function differences(recorded: ExchangeRequest, sent: ExchangeRequest): string[] {
  const out: string[] = [];
  const a = recorded.request;
  const b = sent.request;
  if (recorded.resource !== sent.resource)
    out.push(`resource: recorded ${shown(recorded.resource)}, sent ${shown(sent.resource)}`);
  if (recorded.page !== sent.page) out.push(`page: recorded ${recorded.page}, sent ${sent.page}`);
  if (a.method !== b.method) out.push(`method: recorded ${a.method}, sent ${b.method}`);
  if (a.url !== b.url) out.push(`URL: recorded ${maskUrl(a.url)}, sent ${maskUrl(b.url)}`);
  const qa = queryMap(a.query);
  const qb = queryMap(b.query);
  for (const name of [...new Set([...qa.keys(), ...qb.keys()])].sort()) {
    const va = qa.get(name);
    const vb = qb.get(name);
    const text = (v: string[]) => (v.length === 1 ? shown(v[0]) : shown(v));
    if (va === undefined) out.push(`query ${name}: not recorded, sent ${text(vb!)}`);
    else if (vb === undefined) out.push(`query ${name}: recorded ${text(va)}, not sent`);
    else if (recordToJson(va) !== recordToJson(vb))
      out.push(`query ${name}: recorded ${text(va)}, sent ${text(vb)}`);
  }
  const ba = bodyOf(a);
  const bb = bodyOf(b);
  if (recordToJson(ba) !== recordToJson(bb)) out.push(`body: recorded ${shown(ba)}, sent ${shown(bb)}`);
  return out;
}

/** How far apart two requests are: a different place weighs more than a different parameter. */
function distance(recorded: ExchangeRequest, sent: ExchangeRequest): number {
  let d = 0;
  if (recorded.resource !== sent.resource) d += 8;
  if (recorded.request.method !== sent.request.method) d += 4;
  if (recorded.request.url !== sent.request.url) d += 4;
  if (recorded.page !== sent.page) d += 1;
  return d + differences(recorded, sent).filter((x) => x.startsWith("query ") || x.startsWith("body")).length;
}

/** The recorded request closest to `sent`, and how it differs; undefined when nothing was recorded. */
export function nearestRequest(
  sent: ExchangeRequest,
  recorded: readonly ExchangeRequest[],
): NearestMatch | undefined {
  let best: ExchangeRequest | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const r of recorded) {
    const d = distance(r, sent);
    if (d < bestDistance) {
      best = r;
      bestDistance = d;
    }
  }
  return best === undefined ? undefined : { candidate: best, differences: differences(best, sent) };
}
