import { z } from "zod";
import { getPath } from "../../core/json-path.js";
import { configObject } from "../options-schema.js";
import type { HttpResponse } from "../types.js";
import { maximumPages } from "./common-options.js";
import { NextUrlPaginator } from "./next-url.js";
import type { PaginatorRegistration } from "./registry.js";

const jsonLinkOptions = {
  next_url_path: z
    .string()
    .optional()
    .describe('JSON path of the next page URL in the response; default "next".'),
  maximum_pages: maximumPages(),
};

export const jsonLinkSchema = configObject({
  type: z.literal("json_link").describe('"json_link".'),
  ...jsonLinkOptions,
}).describe("Next-page URL in the response body.");

export const jsonResponseSchema = configObject({
  type: z.literal("json_response").describe('"json_response": dlt\'s deprecated name of "json_link".'),
  ...jsonLinkOptions,
}).describe('Deprecated (as in dlt): the same as "json_link"; write "json_link".');

/** dlt's `json_link`: the next page's URL is in the body at `next_url_path` (default `next`). */
export class JsonLinkPaginator extends NextUrlPaginator {
  readonly type = "json_link";
  readonly nextUrlPath: string;

  constructor(cfg: { next_url_path?: string | undefined } = {}) {
    super();
    this.nextUrlPath = cfg.next_url_path ?? "next";
  }

  protected findNext(response: HttpResponse): unknown {
    const v = getPath(response.body, this.nextUrlPath);
    // `_links.next` is often `{href: ...}` (HAL).
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      return o.href ?? o.url;
    }
    return v;
  }

  protected describe(): string {
    return `body path ${this.nextUrlPath}`;
  }
}

export const jsonLink: PaginatorRegistration<typeof jsonLinkSchema> = {
  schema: jsonLinkSchema,
  create: (config) => new JsonLinkPaginator(config),
};

/** dlt's deprecated name of json_link: the same paginator (semantic checks warn with the new name). */
export const jsonResponse: PaginatorRegistration<typeof jsonResponseSchema> = {
  schema: jsonResponseSchema,
  create: (config) => new JsonLinkPaginator(config),
};
