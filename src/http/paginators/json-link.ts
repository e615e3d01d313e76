import { getPath } from "../../core/json-path.js";
import type { HttpResponse } from "../types.js";
import { NextUrlPaginator } from "./next-url.js";

/** dlt's `json_link`: the next page's URL is in the body at `next_url_path` (default `next`). */
export class JsonLinkPaginator extends NextUrlPaginator {
  readonly type = "json_link";
  readonly nextUrlPath: string;

  constructor(cfg: { next_url_path?: string } = {}) {
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
