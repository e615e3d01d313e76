import type { DataRecord } from "../../core/json.js";
import type { ColumnHint, DataType, SchemaContract, WriteDisposition } from "../../core/resource.js";
import type {
  AuthConfig,
  HttpMethod,
  PaginatorConfig,
  ParamScalar,
  ResponseAction,
  RetryPolicy,
} from "../../http/types.js";

/**
 * The shape of dlt's `rest_api_source` config as this source consumes it. Kept local until the config
 * area exports its validated types; the names follow dlt's language so the two can be swapped.
 */
export interface RestApiConfig {
  client: ClientConfig;
  resource_defaults?: ResourceDefaults;
  resources: Array<string | EndpointResource>;
}

export interface ClientConfig {
  base_url: string;
  auth?: AuthConfig;
  headers?: Record<string, string>;
  paginator?: PaginatorSpec;
  /** Seeds' spelling of a retry policy. */
  error_handler?: Partial<RetryPolicy>;
  connect_timeout?: number;
  read_timeout?: number;
  max_in_flight_per_host?: number;
}

/** A paginator as a full object or, as dlt allows, by type name alone (`"header_link"`). */
export type PaginatorSpec = PaginatorConfig | PaginatorConfig["type"];

/** dlt's legacy parent reference in `params`. */
export interface ResolveParam {
  type: "resolve";
  resource: string;
  field: string;
}

/** dlt's legacy incremental param: the param carries the cursor's start value. */
export interface IncrementalParam {
  type: "incremental";
  cursor_path: string;
  initial_value?: unknown;
  convert?: (value: unknown) => unknown;
}

export type ParamConfigValue = ParamScalar | ParamScalar[] | ResolveParam | IncrementalParam;

export type RangeBound = "open" | "closed";

export interface IncrementalConfig {
  cursor_path: string;
  /** Request param that carries the start value (dlt's `start_param`). */
  start_param?: string;
  end_param?: string;
  initial_value?: unknown;
  end_value?: unknown;
  row_order?: "asc" | "desc";
  /** Re-read this much before the last value: seconds for date-times, units for numbers. */
  lag?: number;
  on_cursor_value_missing?: "raise" | "include" | "exclude";
  range_start?: RangeBound;
  range_end?: RangeBound;
  /** Turns the cursor value into what the API expects in the request (TS configs only). */
  convert?: (value: unknown) => unknown;
  /** "max" (default) or "min", or a function choosing the later of the values given. */
  last_value_func?: "max" | "min" | ((values: unknown[]) => unknown);
  /** Key that identifies boundary records; default the resource's primary_key. */
  primary_key?: string | string[];
}

export interface Endpoint {
  path?: string;
  method?: HttpMethod;
  params?: Record<string, ParamConfigValue | undefined>;
  json?: unknown;
  data?: Record<string, string> | string;
  headers?: Record<string, string>;
  paginator?: PaginatorSpec | null;
  data_selector?: string | null;
  response_actions?: ResponseAction[] | null;
  incremental?: IncrementalConfig | null;
  auth?: AuthConfig | null;
  error_handler?: Partial<RetryPolicy> | null;
}

export type ProcessingStep =
  | { filter: (record: DataRecord) => boolean }
  | { map: (record: DataRecord) => DataRecord }
  | { yield_map: (record: DataRecord) => Iterable<DataRecord> };

/** dlt's column hints (a map or a list), or a JSON Schema object describing one record. */
export type ColumnsSpec = Record<string, DltColumn> | DltColumn[] | JsonSchemaObject;

/** A dlt column entry; `data_type` also accepts dlt's older names (`complex`). */
export interface DltColumn extends Omit<ColumnHint, "data_type"> {
  data_type?: DataType | "complex" | "binary" | "time" | "wei";
}

export interface JsonSchemaObject {
  type: "object" | ["object"] | string | string[];
  properties: Record<string, JsonSchemaProperty>;
  required?: string[];
}

export interface JsonSchemaProperty {
  type?: string | string[];
  /** OpenAPI's spelling of nullability. */
  nullable?: boolean;
  format?: string;
  properties?: Record<string, JsonSchemaProperty>;
  items?: JsonSchemaProperty;
}

/** Keys shared by resources and resource_defaults. */
export interface ResourceBase {
  endpoint?: string | Endpoint | null;
  write_disposition?: WriteDisposition | null;
  primary_key?: string | string[] | null;
  merge_key?: string | string[] | null;
  table_name?: string | null;
  columns?: ColumnsSpec | null;
  schema_contract?: SchemaContract | null;
  max_table_nesting?: number | null;
  selected?: boolean | null;
  parallelized?: boolean | null;
  include_from_parent?: string[] | null;
  processing_steps?: ProcessingStep[] | null;
  /** Fields dropped before normalization (files cannot carry processing functions). */
  exclude_columns?: string[] | null;
  /** Seeds' spelling: a retry policy for every endpoint of the resource. */
  error_handler?: Partial<RetryPolicy> | null;
}

export interface ResourceDefaults extends ResourceBase {}

export interface EndpointResource extends ResourceBase {
  name: string;
}
