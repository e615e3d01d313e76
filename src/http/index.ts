// Public surface of the HTTP layer.
export type {
  AuthContext,
  Authenticator,
  AuthRegistration,
  AuthTarget,
  RegisteredAuthConfig,
  TokenFetcher,
} from "./auth/index.js";
export {
  ApiKeyAuth,
  BearerAuth,
  createAuthenticator,
  HttpBasicAuth,
  OAuth2ClientCredentialsAuth,
  registerAuth,
} from "./auth/index.js";
export { DEFAULT_PAGE_CONCURRENCY, DEFAULT_TIMERS, RestClient } from "./client.js";
export { AuthError, HttpError } from "./errors.js";
export { type GateTicket, HostGate, type HostGateOptions } from "./host-gate.js";
export { configObject, stringOrSecret } from "./options-schema.js";
export type {
  PagePlan,
  Paginator,
  PaginatorContext,
  PaginatorRegistration,
  RegisteredPaginatorConfig,
} from "./paginators/index.js";
export {
  AutoPaginator,
  BasePaginator,
  CursorPaginator,
  createPaginator,
  detectPaginator,
  HeaderCursorPaginator,
  HeaderLinkPaginator,
  JsonLinkPaginator,
  OffsetPaginator,
  PageNumberPaginator,
  parseLinkHeader,
  registerPaginator,
  SinglePagePaginator,
} from "./paginators/index.js";
export { quotaPauseMs } from "./quota-headers.js";
export { type PreparedRequest, prepareRequest } from "./request.js";
export { DEFAULT_RETRY_POLICY, mergeRetryPolicy, parseRetryAfter, retryDelayMs } from "./retry.js";
export { compileSelector, detectRecordPath, type RecordSelector, selectRecords } from "./selector.js";
export { Semaphore } from "./semaphore.js";
export type {
  ExchangeContext,
  HttpTransport,
  TransportLayer,
  TransportRequest,
  TransportResponse,
} from "./transport.js";
export type * from "./types.js";
export { encodeParams, joinUrl, withParams } from "./url.js";
