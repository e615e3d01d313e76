import type { PaginatorConfig } from "../types.js";
import { AutoPaginator } from "./auto.js";
import { CursorPaginator } from "./cursor.js";
import { HeaderCursorPaginator } from "./header-cursor.js";
import { HeaderLinkPaginator } from "./header-link.js";
import { JsonLinkPaginator } from "./json-link.js";
import { OffsetPaginator } from "./offset.js";
import { PageNumberPaginator } from "./page-number.js";
import type { Paginator } from "./paginator.js";
import { SinglePagePaginator } from "./single-page.js";

export { AutoPaginator, detectPaginator } from "./auto.js";
export { CursorPaginator } from "./cursor.js";
export { HeaderCursorPaginator } from "./header-cursor.js";
export { HeaderLinkPaginator, parseLinkHeader } from "./header-link.js";
export { JsonLinkPaginator } from "./json-link.js";
export { OffsetPaginator } from "./offset.js";
export { PageNumberPaginator } from "./page-number.js";
export type { Paginator } from "./paginator.js";
export { SinglePagePaginator } from "./single-page.js";

/** A fresh paginator (state is per pagination run) for a config; none configured means auto-detection. */
export function createPaginator(
  config: PaginatorConfig | undefined,
  onDetect?: (paginatorType: string, reason: string) => void,
): Paginator {
  if (!config) return new AutoPaginator(onDetect);
  switch (config.type) {
    case "single_page":
      return new SinglePagePaginator();
    case "offset":
      return new OffsetPaginator(config);
    case "page_number":
      return new PageNumberPaginator(config);
    case "cursor":
      return new CursorPaginator(config);
    case "json_link":
    case "json_response":
      return new JsonLinkPaginator(config);
    case "header_link":
      return new HeaderLinkPaginator(config);
    case "header_cursor":
      return new HeaderCursorPaginator(config);
    case "auto":
      return new AutoPaginator(onDetect);
  }
}
