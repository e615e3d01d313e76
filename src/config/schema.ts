import { z } from "zod";
import { DATA_TYPES } from "../core/resource.js";
import type { HttpResponse } from "../http/types.js";
import { isSecretRef, type SecretRef } from "./secrets.js";

/**
 * The config language of `restApiSource`: dlt's `rest_api_source` config plus the seeds' spellings,
 * defined once. The validator, the exported TypeScript types and `schema/sluice-config.schema.json`
 * all come from these schemas. Objects are strict, so an unknown key is an error with a suggestion.
 */

/** Marks schemas the JSON Schema generator rewrites: `string` (a string or a `SecretRef`), `ts-only` (a function). */
export const SLUICE_KIND = "x-sluice";

/** Passes the allowed keys of a strict object to the validator, which turns them into suggestions. */
export const UNKNOWN_KEYS_MARK = "\u0001unknown-keys:";

function obj<S extends z.ZodRawShape>(shape: S) {
  const keys = Object.keys(shape);
  return z.strictObject(shape, {
    error: (iss) => (iss.code === "unrecognized_keys" ? UNKNOWN_KEYS_MARK + JSON.stringify(keys) : undefined),
  });
}

/** A string, or in TypeScript a `secrets.x` reference. Files write secrets as `${secrets.x}` inside the string. */
const text = () =>
  z
    .custom<string | SecretRef>((v) => typeof v === "string" || isSecretRef(v), {
      error: "expected a string",
    })
    .meta({ [SLUICE_KIND]: "string" });

/** How a file spells a secret, for descriptions (built so linters do not mistake it for a template). */
const SECRET = `"$${"{"}secrets.name}"`;

// biome-ignore lint/suspicious/noExplicitAny: a user callback's argument types are the user's business
type AnyFunction = (...args: any[]) => unknown;
/** A TypeScript function; files cannot hold one, so the JSON Schema leaves the key out. */
const fn = <F extends AnyFunction>() =>
  z
    .custom<F>((v) => typeof v === "function", { error: "expected a function (TypeScript configs only)" })
    .meta({ [SLUICE_KIND]: "ts-only" });

const textMap = () => z.record(z.string(), text());
const nonNegInt = () => z.number().int().min(0);
const columnNames = () => z.union([z.string(), z.array(z.string()).min(1)]);

// ---------------------------------------------------------------- client: retry, auth, paginators

export const errorHandlerSchema = obj({
  retry_on_status_codes: z
    .array(z.number().int().min(100).max(599))
    .optional()
    .describe("HTTP status codes that are retried; default [429, 500, 502, 503, 504]."),
  max_retries: nonNegInt()
    .optional()
    .describe("Retries after the first attempt before the request fails; default 3."),
  backoff_factor: z
    .number()
    .min(0)
    .optional()
    .describe("Exponential backoff base in seconds: the n-th retry waits about factor × 2^(n-1); default 2."),
  max_delay: z
    .number()
    .min(0)
    .optional()
    .describe("Longest single wait between retries in seconds, Retry-After included; default 60."),
}).describe(
  "Retry policy (the seeds' spelling); allowed in client, resource_defaults.endpoint and endpoint, the most specific wins.",
);

const bearerAuth = obj({
  type: z
    .literal("bearer")
    .optional()
    .describe('"bearer"; may be left out: an auth with only `token` is bearer.'),
  token: text().describe(`Token sent as "Authorization: Bearer <token>"; write it as ${SECRET}.`),
}).describe("Bearer token authentication.");

const apiKeyAuth = obj({
  type: z.literal("api_key").describe('"api_key".'),
  name: z.string().optional().describe('Header, query parameter or cookie name; default "Authorization".'),
  api_key: text().describe(`The key; write it as ${SECRET}.`),
  location: z
    .enum(["header", "query", "param", "cookie"])
    .optional()
    .describe('Where the key is sent: "header" (default), "query" (or dlt\'s alias "param") or "cookie".'),
}).describe("API key authentication.");

const basicAuth = obj({
  type: z.literal("http_basic").describe('"http_basic".'),
  username: text().describe("User name."),
  password: text().describe(`Password; write it as ${SECRET}.`),
}).describe("HTTP Basic authentication.");

const oauth2Auth = obj({
  type: z
    .enum(["oauth2_client_credentials", "oauth2"])
    .describe(
      '"oauth2_client_credentials" (dlt) or "oauth2" (the seeds\' spelling); both mean the client-credentials grant.',
    ),
  access_token_url: z.string().optional().describe("Token endpoint URL (dlt's spelling)."),
  token_url: z.string().optional().describe("Token endpoint URL (the seeds' spelling of access_token_url)."),
  client_id: text().describe(`OAuth2 client id; write it as ${SECRET}.`),
  client_secret: text().describe(`OAuth2 client secret; write it as ${SECRET}.`),
  access_token_request_data: textMap()
    .optional()
    .describe("Extra form fields sent with the token request (e.g. audience)."),
  scopes: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .describe("Scopes requested with the token."),
  client_auth: z
    .enum(["body", "basic"])
    .optional()
    .describe('How the client credentials are sent: in the form "body" (default) or as HTTP "basic" auth.'),
  default_token_expiration: z
    .number()
    .positive()
    .optional()
    .describe("Token lifetime in seconds when the token response has no expires_in; default 3600."),
}).describe("OAuth2 client-credentials authentication: the token is fetched, cached and refreshed.");

export const authSchema = z
  .discriminatedUnion("type", [bearerAuth, apiKeyAuth, basicAuth, oauth2Auth])
  .describe("Authentication: bearer (the default when `type` is left out), api_key, http_basic or oauth2.");

export const PAGINATOR_TYPES = [
  "single_page",
  "offset",
  "page_number",
  "cursor",
  "json_link",
  // dlt still takes its old name (deprecated there too); semantic checks warn with the new one.
  "json_response",
  "header_link",
  "header_cursor",
  "auto",
] as const;

const maximumPages = () =>
  z.number().int().positive().optional().describe("Stop after this many pages (a safety cap).");
const totalPath = () =>
  z
    .string()
    .nullable()
    .optional()
    .describe("JSON path of the total in the response; null or absent: stop on a short or empty page.");
const stopAfterEmptyPage = () =>
  z.boolean().optional().describe("Stop when a page has no records; default true.");
const hasMorePath = () =>
  z.string().optional().describe("JSON path of a boolean in the response that is false on the last page.");

const singlePagePaginator = obj({
  type: z.literal("single_page").describe('"single_page": one request, no pagination.'),
}).describe("No pagination.");

const offsetPaginator = obj({
  type: z.literal("offset").describe('"offset".'),
  limit: z.number().int().positive().describe("Page size, sent as the limit parameter; required."),
  offset: nonNegInt().optional().describe("First offset; default 0."),
  offset_param: z.string().optional().describe('Query parameter for the offset; default "offset".'),
  limit_param: z.string().optional().describe('Query parameter for the page size; default "limit".'),
  total_path: totalPath(),
  maximum_offset: nonNegInt().optional().describe("Stop before requesting an offset at or above this."),
  stop_after_empty_page: stopAfterEmptyPage(),
  has_more_path: hasMorePath(),
  offset_body_path: z.string().optional().describe("Send the offset in the JSON body at this path instead."),
  limit_body_path: z.string().optional().describe("Send the limit in the JSON body at this path instead."),
  maximum_pages: maximumPages(),
}).describe("Offset/limit pagination.");

const pageNumberPaginator = obj({
  type: z.literal("page_number").describe('"page_number".'),
  base_page: z.number().int().optional().describe("Number of the first page (dlt's spelling); default 0."),
  start_from_page: z
    .number()
    .int()
    .optional()
    .describe("Number of the first page (the seeds' spelling of base_page)."),
  page: z.number().int().optional().describe("Page to start at when it differs from base_page."),
  page_param: z.string().optional().describe('Query parameter for the page number; default "page".'),
  page_body_path: z
    .string()
    .optional()
    .describe("Send the page number in the JSON body at this path instead."),
  total_path: z
    .string()
    .nullable()
    .optional()
    .describe("JSON path of the total number of pages; null or absent: stop on a short or empty page."),
  maximum_page: z
    .number()
    .int()
    .optional()
    .describe("Stop before this page number, as dlt: base_page 1 and maximum_page 3 request pages 1 and 2."),
  stop_after_empty_page: stopAfterEmptyPage(),
  has_more_path: hasMorePath(),
  limit: z
    .number()
    .int()
    .positive()
    .optional()
    .describe("Page size (the seeds' spelling): a page with fewer records is the last."),
  maximum_pages: maximumPages(),
}).describe("Page-number pagination.");

const cursorPaginator = obj({
  type: z.literal("cursor").describe('"cursor".'),
  cursor_path: z
    .string()
    .optional()
    .describe('JSON path of the next cursor in the response; default "cursors.next".'),
  cursor_param: z.string().optional().describe('Query parameter the cursor is sent in; default "cursor".'),
  cursor_body_path: z.string().optional().describe("Send the cursor in the JSON body at this path instead."),
  maximum_pages: maximumPages(),
}).describe("Cursor pagination: the next cursor is read from the response body.");

const jsonLinkOptions = {
  next_url_path: z
    .string()
    .optional()
    .describe('JSON path of the next page URL in the response; default "next".'),
  maximum_pages: maximumPages(),
};

const jsonLinkPaginator = obj({
  type: z.literal("json_link").describe('"json_link".'),
  ...jsonLinkOptions,
}).describe("Next-page URL in the response body.");

const jsonResponsePaginator = obj({
  type: z.literal("json_response").describe('"json_response": dlt\'s deprecated name of "json_link".'),
  ...jsonLinkOptions,
}).describe('Deprecated (as in dlt): the same as "json_link"; write "json_link".');

const headerLinkPaginator = obj({
  type: z.literal("header_link").describe('"header_link".'),
  links_next_key: z
    .string()
    .optional()
    .describe('Relation of the next link in the Link header; default "next".'),
  maximum_pages: maximumPages(),
}).describe("Next-page URL in the Link header (RFC 8288).");

const headerCursorPaginator = obj({
  type: z.literal("header_cursor").describe('"header_cursor".'),
  cursor_key: z.string().optional().describe('Response header holding the next cursor; default "next".'),
  cursor_param: z.string().optional().describe('Query parameter the cursor is sent in; default "cursor".'),
  maximum_pages: maximumPages(),
}).describe("Cursor pagination: the next cursor is read from a response header.");

const autoPaginator = obj({
  type: z.literal("auto").describe('"auto".'),
  maximum_pages: maximumPages(),
}).describe("Detect the pagination from the first response.");

export const paginatorObjectSchema = z.discriminatedUnion("type", [
  singlePagePaginator,
  offsetPaginator,
  pageNumberPaginator,
  cursorPaginator,
  jsonLinkPaginator,
  jsonResponsePaginator,
  headerLinkPaginator,
  headerCursorPaginator,
  autoPaginator,
]);

export const paginatorSchema = z
  .union([z.enum(PAGINATOR_TYPES), paginatorObjectSchema])
  .describe(
    'Pagination: a type name ("json_link", "header_link", "single_page", …) for its defaults, or an object with `type` and options.',
  );

// ---------------------------------------------------------------- endpoint

export const incrementalSchema = obj({
  cursor_path: z.string().describe("Field (a dotted JSON path) of each record that is the cursor; required."),
  initial_value: z
    .union([z.string(), z.number()])
    .optional()
    .describe("Cursor value of the first run; later runs start from the stored last value."),
  end_value: z
    .union([z.string(), z.number()])
    .optional()
    .describe("Upper end of the range (a backfill); with it the stored cursor is neither read nor updated."),
  row_order: z
    .enum(["asc", "desc"])
    .optional()
    .describe("Order the API returns the cursor in; lets extraction stop once records leave the range."),
  lag: z
    .number()
    .min(0)
    .optional()
    .describe(
      "Re-read this much before the last value (seconds for dates, units for numbers) to catch late rows.",
    ),
  on_cursor_value_missing: z
    .enum(["raise", "include", "exclude"])
    .optional()
    .describe('A record without the cursor field: "raise" an error (default), "include" or "exclude" it.'),
  range_start: z
    .enum(["open", "closed"])
    .optional()
    .describe(
      '"closed" (default) includes records equal to the start value; boundary rows are deduplicated.',
    ),
  range_end: z
    .enum(["open", "closed"])
    .optional()
    .describe('"open" (default) excludes records equal to end_value.'),
  start_param: z
    .string()
    .optional()
    .describe(
      "Query parameter that receives the start value (instead of an {incremental.start_value} placeholder).",
    ),
  end_param: z.string().optional().describe("Query parameter that receives end_value."),
  last_value_func: z
    .union([z.enum(["max", "min"]), fn<(values: unknown[]) => unknown>()])
    .optional()
    .describe('How the last value is chosen: "max" (default) or "min" (a function in TypeScript).'),
  primary_key: columnNames()
    .optional()
    .describe("Key used to deduplicate boundary records; default the resource's primary_key."),
  convert: fn<(value: unknown) => unknown>()
    .optional()
    .describe("TypeScript only: converts the cursor value before it is sent."),
}).describe("Incremental loading: only records whose cursor is past the last run's are loaded.");

const resolveParam = obj({
  type: z.literal("resolve").describe('"resolve".'),
  resource: z.string().describe("Parent resource whose records drive this resource."),
  field: z.string().describe("Field (a dotted path) of the parent record whose value the parameter takes."),
}).describe("Legacy parent binding: the parameter takes a field of each parent record.");

const incrementalParam = obj({
  type: z.literal("incremental").describe('"incremental".'),
  ...incrementalSchema.shape,
}).describe("Legacy incremental binding: the parameter takes the cursor's start value.");

const scalar = () => z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const paramValueSchema = z
  .union([
    scalar(),
    text(),
    z.array(z.union([z.string(), z.number(), z.boolean()])),
    z.discriminatedUnion("type", [resolveParam, incrementalParam]),
  ])
  .describe(
    "A query parameter: a value (placeholders like {resources.parent.id} and {incremental.start_value} allowed), a list (repeated), null (drop a default), or a resolve/incremental binding.",
  );

const responseActionObject = obj({
  status_code: z
    .union([z.number().int(), z.array(z.number().int())])
    .optional()
    .describe("Match responses with this status (or any of these)."),
  content: z.string().optional().describe("Match responses whose body contains this text."),
  action: z
    .enum(["ignore", "retry", "fail"])
    .describe('"ignore" the response (no records), "retry" it, or "fail".'),
}).describe("A response action: when the response matches, take the action.");

export const responseActionSchema = z.union([
  responseActionObject,
  fn<(response: HttpResponse) => "ignore" | "retry" | "fail" | undefined>(),
]);

export const endpointSchema = obj({
  path: z
    .string()
    .optional()
    .describe(
      "Path relative to client.base_url (or an absolute URL); may hold {resources.<parent>.<field>} placeholders; default the resource name.",
    ),
  method: z
    .enum(["GET", "POST", "PUT", "PATCH", "DELETE"])
    .optional()
    .describe('HTTP method; default "GET".'),
  params: z
    .record(z.string(), paramValueSchema)
    .optional()
    .describe("Query parameters; merged one level deep over resource_defaults.endpoint.params."),
  json: z
    .record(z.string(), z.unknown())
    .nullable()
    .optional()
    .describe("JSON request body; merged one level deep over the defaults; placeholders allowed in strings."),
  data: z
    .union([z.string(), z.record(z.string(), z.unknown()), z.array(z.tuple([z.string(), z.unknown()]))])
    .nullable()
    .optional()
    .describe(
      "Form request body: an object, a list of [key, value] pairs (a key may repeat), or a raw string; placeholders allowed; {} sends no body.",
    ),
  headers: z
    .record(z.string(), z.union([text(), z.null()]))
    .nullable()
    .optional()
    .describe("Request headers for this endpoint, over client.headers; placeholders allowed."),
  paginator: paginatorSchema
    .nullable()
    .optional()
    .describe(
      "Pagination of this endpoint; wins over resource_defaults and client; null removes the default.",
    ),
  data_selector: z
    .string()
    .nullable()
    .optional()
    .describe('JSON path to the records in the response (e.g. "data", "items.*.data"); default: detected.'),
  response_actions: z
    .array(responseActionSchema)
    .nullable()
    .optional()
    .describe(
      "Actions taken on matching responses, checked in order before the status is treated as an error.",
    ),
  incremental: incrementalSchema
    .nullable()
    .optional()
    .describe("Incremental loading of this endpoint by a cursor field; null removes a default."),
  auth: authSchema
    .nullable()
    .optional()
    .describe("Authentication for this endpoint only, instead of client.auth."),
  error_handler: errorHandlerSchema
    .nullable()
    .optional()
    .describe("Retry policy of this endpoint, over resource_defaults and client; null removes the default."),
}).describe("The request that reads a resource.");

// ---------------------------------------------------------------- resource hints

export { DATA_TYPES };

const CONTRACT_MODES = ["evolve", "freeze", "discard_row", "discard_value"] as const;

const columnHint = obj({
  name: z.string().optional().describe("Column name, when it differs from the key."),
  data_type: z.enum(DATA_TYPES).optional().describe("Column type; default inferred from the data."),
  nullable: z
    .boolean()
    .optional()
    .describe(
      "Whether the column allows NULL; default true, false for primary key columns. A record without a value for a column that is not nullable stops the run before anything is loaded.",
    ),
  primary_key: z.boolean().optional().describe("Part of the primary key."),
  merge_key: z.boolean().optional().describe("Part of the merge key."),
  precision: z.number().int().positive().optional().describe("Precision of a decimal or timestamp."),
  scale: z.number().int().min(0).optional().describe("Scale of a decimal."),
  description: z.string().optional().describe("Free text, kept with the schema."),
}).describe("A column hint.");

const JSON_TYPES = ["string", "integer", "number", "boolean", "object", "array", "null"] as const;

const jsonSchemaProperty = z
  .looseObject({
    type: z
      .union([z.enum(JSON_TYPES), z.array(z.enum(JSON_TYPES)).min(1)])
      .optional()
      .describe('What a present value is: JSON type or types; ["string", "null"] also admits null.'),
    format: z
      .string()
      .optional()
      .describe('String format: "date-time" and "date" give timestamp and date columns.'),
    nullable: z.boolean().optional().describe("OpenAPI-style nullability."),
  })
  .describe("A JSON Schema property; other JSON Schema keywords are accepted and ignored.");

export const jsonSchemaColumnsSchema = obj({
  $schema: z.string().optional().describe("JSON Schema dialect URI; ignored."),
  title: z.string().optional().describe("Ignored."),
  description: z.string().optional().describe("Ignored."),
  type: z.literal("object").describe('"object".'),
  properties: z.record(z.string(), jsonSchemaProperty).describe("Fields of a record, by their source name."),
  required: z
    .array(z.string())
    .optional()
    .describe(
      'Fields every record has: a listed field whose type does not admit "null" is a NOT NULL column; a field left out may be absent, and its column takes NULL.',
    ),
  additionalProperties: z
    .union([z.boolean(), z.record(z.string(), z.unknown())])
    .optional()
    .describe("Ignored."),
}).describe("Column hints as a JSON Schema of one record (the seeds' form): field types and nullability.");

export const columnsSchema = z
  .union([jsonSchemaColumnsSchema, z.record(z.string(), columnHint)])
  .describe("Column hints: dlt's map of column name → hint, or a JSON Schema object of one record.");

export const writeDispositionSchema = z
  .union([
    z.enum(["append", "replace", "merge"]),
    obj({
      disposition: z.enum(["append", "replace", "merge"]).describe("append, replace or merge."),
      strategy: z
        .enum(["delete-insert", "upsert", "scd2"])
        .optional()
        .describe('Merge strategy; default "delete-insert".'),
      validity_column_names: z
        .tuple([z.string(), z.string()])
        .optional()
        .describe("scd2 only: names of the valid-from and valid-to columns."),
    }),
  ])
  .describe('How rows reach the table: "append" (default), "replace", "merge", or {disposition, strategy}.');

export const schemaContractSchema = z
  .union([
    z.enum(CONTRACT_MODES),
    obj({
      tables: z.enum(CONTRACT_MODES).optional().describe("New tables."),
      columns: z.enum(CONTRACT_MODES).optional().describe("New columns."),
      data_type: z.enum(CONTRACT_MODES).optional().describe("Values that do not fit their column's type."),
    }),
  ])
  .describe(
    'What schema changes are allowed: "evolve" (default), "freeze", "discard_row" or "discard_value".',
  );

export const processingStepSchema = obj({
  filter: fn<(record: Record<string, unknown>) => boolean>()
    .optional()
    .describe("Keep records for which it returns true."),
  map: fn<(record: Record<string, unknown>) => Record<string, unknown>>()
    .optional()
    .describe("Replace each record with its result."),
  yield_map: fn<(record: Record<string, unknown>) => Iterable<Record<string, unknown>>>()
    .optional()
    .describe("Replace each record with the records it yields."),
}).describe("A processing step (TypeScript only): filter, map or yield_map, applied in order.");

/** Keys shared by resources and resource_defaults. */
const resourceHintsShape = {
  endpoint: z
    .union([z.string(), endpointSchema])
    .optional()
    .describe("The request: an object, or a path string as shorthand for {path}."),
  include_from_parent: z
    .array(z.string())
    .optional()
    .describe("Parent fields copied into each child record as _<parent>_<field> columns."),
  processing_steps: z
    .array(processingStepSchema)
    .meta({ [SLUICE_KIND]: "ts-only" })
    .optional()
    .describe("TypeScript only: filter, map and yield_map steps applied to each record in order."),
  exclude_columns: z
    .array(z.string())
    .optional()
    .describe("sluice: fields dropped from each record before normalization (the file form of a map step)."),
  selected: z
    .boolean()
    .optional()
    .describe("false: the resource runs only to feed its children and is not loaded; default true."),
  parallelized: z
    .boolean()
    .optional()
    .describe("Fetch the children of one parent page concurrently (bounded); default false."),
  table_name: z.string().optional().describe("Destination table; default the resource name, normalized."),
  write_disposition: writeDispositionSchema
    .nullable()
    .optional()
    .describe('"append" (default), "replace", "merge", or {disposition, strategy}; null resets the default.'),
  primary_key: columnNames()
    .nullable()
    .optional()
    .describe("Primary key column or columns; required for merge."),
  merge_key: columnNames().nullable().optional().describe("Merge key column or columns."),
  columns: columnsSchema
    .nullable()
    .optional()
    .describe(
      "Column hints: a map of column → hint, or a JSON Schema of one record (field types, nullability).",
    ),
  schema_contract: schemaContractSchema
    .nullable()
    .optional()
    .describe(
      'Allowed schema changes: "evolve" (default), "freeze", "discard_row", "discard_value", or per part.',
    ),
  max_table_nesting: nonNegInt()
    .nullable()
    .optional()
    .describe("Depth of nested lists turned into child tables; deeper data is stored as JSON."),
};

export const resourceDefaultsSchema = obj(resourceHintsShape).describe(
  "Defaults merged into every resource: endpoint.params, endpoint.json and columns one level deep, the rest replaced; null resets a default.",
);

export const resourceObjectSchema = obj({
  name: z.string().min(1).describe("Resource name; also the table name unless table_name is set."),
  ...resourceHintsShape,
}).describe("A resource: one endpoint read into one table.");

export const resourceSchema = z
  .union([z.string().min(1), resourceObjectSchema])
  .describe("A resource, or its name as shorthand for {name, endpoint: {path: name}}.");

export const clientSchema = obj({
  base_url: z.string().describe("Base URL every endpoint path is relative to."),
  headers: textMap().optional().describe("Headers sent with every request."),
  auth: authSchema.optional(),
  paginator: paginatorSchema.optional().describe("Default pagination for every endpoint."),
  error_handler: errorHandlerSchema.optional(),
  connect_timeout: z.number().positive().optional().describe("sluice: seconds to connect; default 10."),
  read_timeout: z
    .number()
    .positive()
    .optional()
    .describe("sluice: seconds to wait for a response; default 60."),
  max_in_flight_per_host: z
    .number()
    .int()
    .positive()
    .optional()
    .describe("sluice: requests in flight per host at once; default 8."),
  max_response_bytes: z
    .number()
    .int()
    .positive()
    .optional()
    .describe("sluice: largest response body in bytes, also once decompressed; default 134217728 (128 MiB)."),
}).describe("The HTTP client shared by all resources.");

export const pipelineBlockSchema = obj({
  pipeline_name: z.string().min(1).optional().describe("Pipeline name; default the config file's stem."),
  destination: z
    .string()
    .optional()
    .describe('"duckdb" (default), "postgres", "filesystem", or a destination URL; the CLI flag wins.'),
  dataset_name: z
    .string()
    .optional()
    .describe("Dataset (schema or folder); default <pipeline_name>_dataset."),
}).describe("sluice: pipeline settings for `sluice run`; command-line flags override them.");

export const restApiConfigSchema = obj({
  $schema: z.string().optional().describe("JSON Schema URL for editors; ignored."),
  pipeline: pipelineBlockSchema.optional(),
  client: clientSchema,
  resource_defaults: resourceDefaultsSchema.optional(),
  resources: z.array(resourceSchema).min(1).describe("The resources to load."),
}).describe("A sluice REST API source config (dlt rest_api_source compatible).");

export type RestApiConfig = z.infer<typeof restApiConfigSchema>;
export type ClientConfig = z.infer<typeof clientSchema>;
export type ResourceDefaults = z.infer<typeof resourceDefaultsSchema>;
export type ResourceSpec = z.infer<typeof resourceSchema>;
export type ResourceConfig = z.infer<typeof resourceObjectSchema>;
export type EndpointConfig = z.infer<typeof endpointSchema>;
export type AuthSpec = z.infer<typeof authSchema>;
export type PaginatorSpec = z.infer<typeof paginatorSchema>;
export type PaginatorObject = z.infer<typeof paginatorObjectSchema>;
export type PaginatorType = (typeof PAGINATOR_TYPES)[number];
export type IncrementalConfig = z.infer<typeof incrementalSchema>;
export type ErrorHandlerConfig = z.infer<typeof errorHandlerSchema>;
export type ParamValue = z.infer<typeof paramValueSchema>;
export type ResolveParamConfig = z.infer<typeof resolveParam>;
export type IncrementalParamConfig = z.infer<typeof incrementalParam>;
export type ResponseActionSpec = z.infer<typeof responseActionSchema>;
export type ColumnsSpec = z.infer<typeof columnsSchema>;
export type JsonSchemaColumns = z.infer<typeof jsonSchemaColumnsSchema>;
export type ProcessingStep = z.infer<typeof processingStepSchema>;
export type WriteDispositionSpec = z.infer<typeof writeDispositionSchema>;
export type PipelineBlock = z.infer<typeof pipelineBlockSchema>;
