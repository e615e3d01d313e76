import type { RestApiConfig as ConfigInput, Resolved } from "../../config/index.js";

/**
 * The config shapes this source consumes: the config area's validated types with every secret
 * resolved. Named after dlt's `rest_api_source` language so the modules read like its docs.
 */
export type RestApiConfigInput = ConfigInput;
export type RestApiConfig = Resolved<ConfigInput>;
export type ClientConfig = RestApiConfig["client"];
export type ResourceDefaults = NonNullable<RestApiConfig["resource_defaults"]>;
export type EndpointResource = Exclude<RestApiConfig["resources"][number], string>;
export type Endpoint = Exclude<NonNullable<EndpointResource["endpoint"]>, string>;
export type PaginatorSpec = NonNullable<Endpoint["paginator"]>;
export type IncrementalConfig = NonNullable<Endpoint["incremental"]>;
export type ParamConfigValue = NonNullable<Endpoint["params"]>[string];
export type ResolveParam = Extract<ParamConfigValue, { type: "resolve" }>;
export type IncrementalParam = Extract<ParamConfigValue, { type: "incremental" }>;
export type ProcessingStep = NonNullable<EndpointResource["processing_steps"]>[number];
export type ColumnsSpec = NonNullable<EndpointResource["columns"]>;
export type JsonSchemaObject = Extract<ColumnsSpec, { properties: unknown }>;
export type JsonSchemaProperty = JsonSchemaObject["properties"][string];
export type DltColumn = Exclude<ColumnsSpec, JsonSchemaObject>[string];
