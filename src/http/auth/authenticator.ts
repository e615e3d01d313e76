import type { ParamValue } from "../types.js";

/** The parts of an outgoing request credentials go into. Header names are lower case. */
export interface AuthTarget {
  headers: Record<string, string>;
  params: Record<string, ParamValue | undefined>;
}

/**
 * Adds credentials to requests bound for the API's own origin (the client never calls it for another
 * origin). `refresh` exists for credentials that can be renewed after a 401.
 */
export interface Authenticator {
  readonly type: string;
  apply(target: AuthTarget): void | Promise<void>;
  /**
   * After a 401 for a request that carried `sentAuthorization`: renew the credentials (once, shared by
   * concurrent callers). True when retrying the request makes sense.
   */
  refresh?(sentAuthorization: string | undefined): Promise<boolean>;
}
