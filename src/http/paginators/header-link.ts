import { z } from "zod";
import { configObject } from "../options-schema.js";
import type { HttpResponse } from "../types.js";
import { maximumPages } from "./common-options.js";
import { NextUrlPaginator } from "./next-url.js";
import type { PaginatorRegistration } from "./registry.js";

export const headerLinkSchema = configObject({
  type: z.literal("header_link").describe('"header_link".'),
  links_next_key: z
    .string()
    .optional()
    .describe('Relation of the next link in the Link header; default "next".'),
  maximum_pages: maximumPages(),
}).describe("Next-page URL in the Link header (RFC 8288).");

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

  constructor(cfg: { links_next_key?: string | undefined } = {}) {
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

export const headerLink: PaginatorRegistration<typeof headerLinkSchema> = {
  schema: headerLinkSchema,
  create: (config) => new HeaderLinkPaginator(config),
};
