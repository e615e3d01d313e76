import type { HttpResponse } from "../types.js";
import { NextUrlPaginator } from "./next-url.js";

/** Parses an RFC 8288 `Link` header into rel → URL (first URL wins per rel). */
export function parseLinkHeader(header: string | string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (header === undefined) return out;
  const text = Array.isArray(header) ? header.join(", ") : header;
  const re = /<([^>]*)>((?:\s*;\s*[^;,"=]+(?:=(?:"[^"]*"|[^;,]*))?)*)/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const url = m[1]!;
    const relMatch = /;\s*rel\s*=\s*(?:"([^"]*)"|([^;,\s]*))/i.exec(m[2] ?? "");
    const rels = (relMatch?.[1] ?? relMatch?.[2] ?? "").trim().split(/\s+/);
    for (const rel of rels) if (rel && out[rel.toLowerCase()] === undefined) out[rel.toLowerCase()] = url;
  }
  return out;
}

/** dlt's `header_link`: follows `Link: <url>; rel="next"` (`links_next_key` picks another rel). */
export class HeaderLinkPaginator extends NextUrlPaginator {
  readonly type = "header_link";
  readonly linksNextKey: string;

  constructor(cfg: { links_next_key?: string } = {}) {
    super();
    this.linksNextKey = (cfg.links_next_key ?? "next").toLowerCase();
  }

  protected findNext(response: HttpResponse): unknown {
    return parseLinkHeader(response.headers["link"])[this.linksNextKey];
  }

  protected describe(): string {
    return `Link header rel=${this.linksNextKey}`;
  }
}
