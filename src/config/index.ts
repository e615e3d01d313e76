// The config area: the language's schema and types, file loading, validation and secrets.

export type { Resolved } from "../core/secret-ref.js";
export { isSecretRef, SecretRef, secret, secrets } from "../core/secret-ref.js";
export { dltDifferences } from "./dlt-differences.js";
export { mergeEndpoint, withoutNulls } from "./endpoint-merge.js";
export type { LoadedConfig } from "./load.js";
export { CONFIG_EXTENSIONS, isSource, loadConfigFile } from "./load.js";
export type {
  IncrementalPlaceholderField,
  IncrementalRef,
  NameRef,
  PlaceholderRef,
  ResourceRef,
  Template,
  TemplateMode,
} from "./placeholders.js";
export { parseTemplate, templateRefs } from "./placeholders.js";
export type { PathSegment, SourcePosition, SourcePositions } from "./positions.js";
export { formatPath } from "./positions.js";
export type {
  AuthSpec,
  ClientConfig,
  ColumnsSpec,
  EndpointConfig,
  ErrorHandlerConfig,
  IncrementalConfig,
  IncrementalParamConfig,
  JsonSchemaColumns,
  PaginatorObject,
  PaginatorSpec,
  PaginatorType,
  ParamValue,
  PipelineBlock,
  ProcessingStep,
  ResolveParamConfig,
  ResourceConfig,
  ResourceDefaults,
  ResourceSpec,
  ResponseActionSpec,
  RestApiConfig,
  WriteDispositionSpec,
} from "./schema.js";
export { PAGINATOR_TYPES, restApiConfigSchema } from "./schema.js";
export type { ResolveSecretsOptions } from "./secrets.js";
export { resolveSecrets, secretNamesIn } from "./secrets.js";
export { headerIssues } from "./semantic.js";
export type { CheckResult, ValidateOptions } from "./validate.js";
export { checkConfig, locateIssues, validateConfig } from "./validate.js";
