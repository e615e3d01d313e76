// Public API of sluice. Each area adds its exports here as it lands.

export type {
  AuthSpec,
  CheckResult,
  ClientConfig,
  ColumnsSpec,
  EndpointConfig,
  ErrorHandlerConfig,
  IncrementalConfig,
  LoadedConfig,
  PaginatorSpec,
  ParamValue,
  PipelineBlock,
  ProcessingStep,
  Resolved,
  ResourceConfig,
  ResourceDefaults,
  ResourceSpec,
  ResponseActionSpec,
  RestApiConfig,
  SourcePositions,
  ValidateOptions,
} from "./config/index.js";
export {
  checkConfig,
  loadConfigFile,
  resolveSecrets,
  SecretRef,
  secret,
  secrets,
  validateConfig,
} from "./config/index.js";
export { ConfigError, MissingSecretError, SluiceError } from "./core/errors.js";
export type { DataRecord, JsonObject, JsonValue } from "./core/json.js";
export type { Logger, LogLevel } from "./core/logger.js";
export { createLogger } from "./core/logger.js";
export type {
  ColumnHint,
  DataType,
  MergeStrategy,
  RequestRecord,
  Resource,
  ResourceContext,
  ResourceHints,
  ResourceItem,
  SchemaContract,
  Source,
  SourceConcurrency,
  WriteDisposition,
} from "./core/resource.js";
export { resource, source } from "./core/resource.js";
export { type DuckdbOptions, duckdb } from "./destinations/duckdb/index.js";
export {
  type FilesystemDestinationOptions,
  filesystemDestination,
} from "./destinations/filesystem/index.js";
export { type PostgresDestinationOptions, postgresDestination } from "./destinations/postgres/index.js";
export type {
  DestinationPlace,
  DestinationRecord,
  DestinationRegistration,
} from "./destinations/registration.js";
export { type DestinationOptions, registerDestination, resolveDestination } from "./destinations/registry.js";
export type {
  AuthConfig,
  AuthContext,
  Authenticator,
  AuthRegistration,
  AuthTarget,
  ClientOptions,
  HttpResponse,
  Page,
  PagePlan,
  PaginateOptions,
  Paginator,
  PaginatorConfig,
  PaginatorContext,
  PaginatorRegistration,
  PreparedRequest,
  RequestSpec,
  ResponseAction,
  RetryPolicy,
} from "./http/index.js";
export {
  AuthError,
  BasePaginator,
  configObject,
  HttpError,
  RestClient,
  registerAuth,
  registerPaginator,
  Semaphore,
  stringOrSecret,
} from "./http/index.js";
export { Normalizer, type NormalizerOptions, type RowSink } from "./normalize/index.js";
export type {
  DropOptions,
  LoadInfo,
  PackageInfo,
  PipelineOptions,
  ProgressEvent,
  RunOptions,
} from "./pipeline/index.js";
export { defaultPipelinesDir, Pipeline, pipeline } from "./pipeline/index.js";
export { SchemaContractError } from "./schema/contract.js";
export { normalizeIdentifier } from "./schema/naming.js";
export type { ColumnSchema, StoredSchema, TableSchema } from "./schema/types.js";
export { type RestApiSource, type RestApiSourceOptions, restApiSource } from "./sources/rest_api/index.js";
