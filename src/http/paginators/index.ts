import type { PaginatorConfig } from "../types.js";
import "./builtins.js";
import type { Paginator } from "./paginator.js";
import { PAGINATORS, type PaginatorContext } from "./registry.js";

export { AutoPaginator, detectPaginator } from "./auto.js";
export { CursorPaginator } from "./cursor.js";
export { HeaderCursorPaginator } from "./header-cursor.js";
export { HeaderLinkPaginator, parseLinkHeader } from "./header-link.js";
export { JsonLinkPaginator } from "./json-link.js";
export { OffsetPaginator } from "./offset.js";
export { PageNumberPaginator } from "./page-number.js";
export { BasePaginator, type PagePlan, type Paginator } from "./paginator.js";
export {
  type PaginatorContext,
  type PaginatorRegistration,
  type RegisteredPaginatorConfig,
  registerPaginator,
} from "./registry.js";
export { SinglePagePaginator } from "./single-page.js";

/** A fresh paginator (state is per pagination run) for a config; none configured means auto-detection. */
export function createPaginator(
  config: PaginatorConfig | undefined,
  onDetect?: PaginatorContext["onDetect"],
): Paginator {
  const options = config ?? { type: "auto" };
  return PAGINATORS.resolve(options.type).create(options, onDetect ? { onDetect } : {});
}
