// The declarative REST source: dlt's rest_api_source config language → a Source of Resources.
export type { RestApiConfig, RestApiConfigInput } from "./config-types.js";
export type { RestApiSource, RestApiSourceOptions } from "./source.js";
export { restApiSource, sourceBuildIssues } from "./source.js";
