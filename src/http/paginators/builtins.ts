import type { z } from "zod";
import { auto } from "./auto.js";
import { cursor } from "./cursor.js";
import { headerCursor } from "./header-cursor.js";
import { headerLink } from "./header-link.js";
import { jsonLink, jsonResponse } from "./json-link.js";
import { offset } from "./offset.js";
import { pageNumber } from "./page-number.js";
import { PAGINATORS, type PaginatorRegistration, registerPaginator } from "./registry.js";
import { singlePage } from "./single-page.js";

/** The paginators sluice ships, by type; the generated JSON Schema lists them, in this order. */
export const BUILTIN_PAGINATORS = [
  ["single_page", singlePage],
  ["offset", offset],
  ["page_number", pageNumber],
  ["cursor", cursor],
  ["json_link", jsonLink],
  // dlt still takes its old name (deprecated there too); semantic checks warn with the new one.
  ["json_response", jsonResponse],
  ["header_link", headerLink],
  ["header_cursor", headerCursor],
  ["auto", auto],
] as const;

const builtins: ReadonlyArray<readonly [string, PaginatorRegistration]> = BUILTIN_PAGINATORS;
for (const [type, registration] of builtins) registerPaginator(type, registration);
PAGINATORS.sealBuiltins();

type Builtin = (typeof BUILTIN_PAGINATORS)[number];
export type BuiltinPaginatorType = Builtin[0];
/** The config object of a built-in paginator. */
export type BuiltinPaginatorConfig = z.output<Builtin[1]["schema"]>;
