import { z } from "zod";
import { DATA_TYPES } from "../core/resource.js";
import { BUILTIN_AUTHS } from "../http/auth/builtins.js";
import { AUTHS, type RegisteredAuthConfig } from "../http/auth/registry.js";
import {
  configObject,
  nonNegativeInt,
  SLUICE_KIND,
  stringOrSecret,
  stringOrSecretMap,
  tsFunction,
} from "../http/options-schema.js";
import { BUILTIN_PAGINATORS, type BuiltinPaginatorType } from "../http/paginators/builtins.js";
import { PAGINATORS, type RegisteredPaginatorConfig } from "../http/paginators/registry.js";
import { responseActionSchema } from "../http/response-actions.js";
import { retryPolicySchema } from "../http/retry.js";
import { HTTP_METHODS } from "../http/types.js";

/**
 * The config language of `restApiSource`: dlt's `rest_api_source` config plus the spellings sluice
 * accepts beside dlt's, defined once. The validator, the exported TypeScript types and
 * `schema/sluice-config.schema.json` all come from these schemas. The blocks the HTTP layer reads
 * (auth, paginators, retry policy, response actions) are declared there, beside their code, with the
 * same building blocks; paginator and auth types come from their registries, so a type a user
 * registers validates as a built-in does. Objects are strict, so an unknown key is an error with a
 * suggestion.
 */

/** The validator reads the allowed keys an unknown-key error carries. */

const columnNames = () => z.union([z.string(), z.array(z.string()).min(1)]);

// ---------------------------------------------------------------- client: retry, auth, paginators

/** Each distinct schema of a registry's built-ins, in order (two types may share one, as the oauth2 spellings do). */
function builtinSchemas<T extends ReadonlyArray<readonly [string, { schema: z.ZodType }]>>(
  builtins: T,
): [T[number][1]["schema"], ...T[number][1]["schema"][]] {
  const schemas = [...new Set(builtins.map(([, registration]) => registration.schema))];
  return schemas as [T[number][1]["schema"], ...T[number][1]["schema"][]];
}

export const authSchema = z
  .union([
    AUTHS.registeredOptions<RegisteredAuthConfig>(false),
    z.discriminatedUnion("type", builtinSchemas(BUILTIN_AUTHS)),
  ])
  .describe("Authentication: bearer (the default when `type` is left out), api_key, http_basic or oauth2.");

export const PAGINATOR_TYPES = BUILTIN_PAGINATORS.map(([type]) => type) as [
  BuiltinPaginatorType,
  ...BuiltinPaginatorType[],
];

export const paginatorObjectSchema = z.discriminatedUnion("type", builtinSchemas(BUILTIN_PAGINATORS));

export const paginatorSchema = z
  .union([
    PAGINATORS.registeredOptions<string | RegisteredPaginatorConfig>(true),
    z.enum(PAGINATOR_TYPES),
    paginatorObjectSchema,
  ])
  .describe(
    'Pagination: a type name ("json_link", "header_link", "single_page", …) for its defaults, or an object with `type` and options.',
  );

// ---------------------------------------------------------------- endpoint

export const incrementalSchema = configObject({
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
    .union([z.enum(["max", "min"]), tsFunction<(values: unknown[]) => unknown>()])
    .optional()
    .describe('How the last value is chosen: "max" (default) or "min" (a function in TypeScript).'),
  primary_key: columnNames()
    .optional()
    .describe("Key used to deduplicate boundary records; default the resource's primary_key."),
  convert: tsFunction<(value: unknown) => unknown>()
    .optional()
    .describe("TypeScript only: converts the cursor value before it is sent."),
}).describe("Incremental loading: only records whose cursor is past the last run's are loaded.");

const resolveParam = configObject({
  type: z.literal("resolve").describe('"resolve".'),
  resource: z.string().describe("Parent resource whose records drive this resource."),
  field: z.string().describe("Field (a dotted path) of the parent record whose value the parameter takes."),
}).describe("Legacy parent binding: the parameter takes a field of each parent record.");

const incrementalParam = configObject({
  type: z.literal("incremental").describe('"incremental".'),
  ...incrementalSchema.shape,
}).describe("Legacy incremental binding: the parameter takes the cursor's start value.");

const scalar = () => z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const paramValueSchema = z
  .union([
    scalar(),
    stringOrSecret(),
    z.array(z.union([z.string(), z.number(), z.boolean()])),
    z.discriminatedUnion("type", [resolveParam, incrementalParam]),
  ])
  .describe(
    "A query parameter: a value (placeholders like {resources.parent.id} and {incremental.start_value} allowed), a list (repeated), null (drop a default), or a resolve/incremental binding.",
  );

export const endpointSchema = configObject({
  path: z
    .string()
    .optional()
    .describe(
      "Path relative to client.base_url (or an absolute URL); may hold {resources.<parent>.<field>} placeholders; default the resource name.",
    ),
  method: z.enum(HTTP_METHODS).optional().describe('HTTP method; default "GET".'),
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
    .record(z.string(), z.union([stringOrSecret(), z.null()]))
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
  error_handler: retryPolicySchema
    .nullable()
    .optional()
    .describe("Retry policy of this endpoint, over resource_defaults and client; null removes the default."),
}).describe("The request that reads a resource.");

// ---------------------------------------------------------------- resource hints

export { DATA_TYPES };

const CONTRACT_MODES = ["evolve", "freeze", "discard_row", "discard_value"] as const;

const columnHint = configObject({
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

export const jsonSchemaColumnsSchema = configObject({
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
}).describe("Column hints as a JSON Schema of one record: field types and nullability.");

export const columnsSchema = z
  .union([jsonSchemaColumnsSchema, z.record(z.string(), columnHint)])
  .describe("Column hints: dlt's map of column name → hint, or a JSON Schema object of one record.");

export const writeDispositionSchema = z
  .union([
    z.enum(["append", "replace", "merge"]),
    configObject({
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
    configObject({
      tables: z.enum(CONTRACT_MODES).optional().describe("New tables."),
      columns: z.enum(CONTRACT_MODES).optional().describe("New columns."),
      data_type: z.enum(CONTRACT_MODES).optional().describe("Values that do not fit their column's type."),
    }),
  ])
  .describe(
    'What schema changes are allowed: "evolve" (default), "freeze", "discard_row" or "discard_value".',
  );

export const processingStepSchema = configObject({
  filter: tsFunction<(record: Record<string, unknown>) => boolean>()
    .optional()
    .describe("Keep records for which it returns true."),
  map: tsFunction<(record: Record<string, unknown>) => Record<string, unknown>>()
    .optional()
    .describe("Replace each record with its result."),
  yield_map: tsFunction<(record: Record<string, unknown>) => Iterable<Record<string, unknown>>>()
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
    .describe(
      "Fetch the children of one parent page concurrently (up to concurrency.children); sluice's default true, dlt's false. false reads one parent record after another; rows load in the same order either way.",
    ),
  page_concurrency: z
    .number()
    .int()
    .min(1)
    .max(64)
    .optional()
    .describe(
      "sluice: pages of this resource in flight at once once its paginator can plan them (offset or page_number with a known total); default 8, 1 fetches one page after another. Pages are still loaded in order, under client.max_in_flight_per_host.",
    ),
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
  max_table_nesting: nonNegativeInt()
    .nullable()
    .optional()
    .describe("Depth of nested lists turned into child tables; deeper data is stored as JSON."),
};

export const resourceDefaultsSchema = configObject(resourceHintsShape).describe(
  "Defaults merged into every resource: endpoint.params, endpoint.json and columns one level deep, the rest replaced; null resets a default.",
);

export const resourceObjectSchema = configObject({
  name: z.string().min(1).describe("Resource name; also the table name unless table_name is set."),
  ...resourceHintsShape,
}).describe("A resource: one endpoint read into one table.");

export const resourceSchema = z
  .union([z.string().min(1), resourceObjectSchema])
  .describe("A resource, or its name as shorthand for {name, endpoint: {path: name}}.");

export const clientSchema = configObject({
  base_url: z.string().describe("Base URL every endpoint path is relative to."),
  headers: stringOrSecretMap().optional().describe("Headers sent with every request."),
  auth: authSchema.optional(),
  paginator: paginatorSchema.optional().describe("Default pagination for every endpoint."),
  error_handler: retryPolicySchema.optional(),
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
    .describe(
      "sluice: requests in flight per host at once; default 8. A 429 halves it for a while (every request to the host slows), and accepted answers grow it back.",
    ),
  rate_limit: configObject({
    requests_per_second: z.number().positive().describe("Requests started per second, on average."),
    burst: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("Requests that may start back to back after a quiet spell; default 1 (evenly spaced)."),
  })
    .optional()
    .describe(
      "sluice: a request budget per host shared by every resource, page and child. Without it, sluice still follows Retry-After, RateLimit-* and X-RateLimit-* headers.",
    ),
  max_response_bytes: z
    .number()
    .int()
    .positive()
    .optional()
    .describe("sluice: largest response body in bytes, also once decompressed; default 134217728 (128 MiB)."),
}).describe("The HTTP client shared by all resources.");

export const pipelineBlockSchema = configObject({
  pipeline_name: z.string().min(1).optional().describe("Pipeline name; default the config file's stem."),
  destination: z
    .string()
    .optional()
    .describe('"duckdb" (default), "postgres", "filesystem", or a destination URL; the CLI flag wins.'),
  dataset_name: z
    .string()
    .optional()
    .describe("Dataset (schema or folder); default <pipeline_name>_dataset."),
  run_history: configObject({
    max_runs: z.number().int().min(1).optional().describe("Run records kept (the newest); default 100."),
    max_age_days: z
      .number()
      .positive()
      .optional()
      .describe("Run records older than this many days are deleted; default 30."),
  })
    .optional()
    .describe(
      "sluice: how many run records (traces) the working dir keeps for `sluice dashboard` and `pipeline … trace --run`.",
    ),
}).describe("sluice: pipeline settings for `sluice run`; command-line flags override them.");

const concurrencyLimit = () => z.number().int().min(1).max(64).optional();

export const concurrencySchema = configObject({
  resources: concurrencyLimit().describe("Root resources extracted at once; default 4."),
  children: concurrencyLimit().describe(
    "Child requests of one parent page in flight at once; default 8. Rows still load in parent order; a child with parallelized: false reads one parent record after another.",
  ),
  normalize_thread: z
    .boolean()
    .optional()
    .describe(
      "Normalize on a second thread once a package passes 20,000 records, so extraction and normalization use two cores. Default: on where the machine has more than 2 cores (on 2, the API, the destination and two threads would share them and it measured no faster).",
    ),
}).describe(
  "sluice: how much runs at once. Every request still passes client.max_in_flight_per_host and client.rate_limit; pages of one resource are set by page_concurrency.",
);

export const restApiConfigSchema = configObject({
  $schema: z.string().optional().describe("JSON Schema URL for editors; ignored."),
  pipeline: pipelineBlockSchema.optional(),
  concurrency: concurrencySchema.optional(),
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
export type ErrorHandlerConfig = z.infer<typeof retryPolicySchema>;
export type ParamValue = z.infer<typeof paramValueSchema>;
export type ResolveParamConfig = z.infer<typeof resolveParam>;
export type IncrementalParamConfig = z.infer<typeof incrementalParam>;
export type ResponseActionSpec = z.infer<typeof responseActionSchema>;
export type ColumnsSpec = z.infer<typeof columnsSchema>;
export type JsonSchemaColumns = z.infer<typeof jsonSchemaColumnsSchema>;
export type ProcessingStep = z.infer<typeof processingStepSchema>;
export type WriteDispositionSpec = z.infer<typeof writeDispositionSchema>;
export type PipelineBlock = z.infer<typeof pipelineBlockSchema>;
