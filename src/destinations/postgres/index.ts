import type { Destination } from "../types.js";
import { type PostgresDestinationOptions, postgresDestination } from "./postgres-destination.js";

export {
  POSTGRES_CAPABILITIES,
  type PostgresDestinationOptions,
  postgresDestination,
} from "./postgres-destination.js";

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/**
 * The registry's factory: credentials from `options.postgres.credentials`, `options.credentials`
 * (`--credentials`), or the destination URL itself (`--destination postgresql://…`); else the environment.
 */
export function postgresFromOptions(options: Record<string, unknown>): Destination {
  const own = (options["postgres"] ?? {}) as PostgresDestinationOptions;
  const credentials = str(own.credentials) ?? str(options["credentials"]) ?? str(options["url"]);
  return postgresDestination(credentials === undefined ? {} : { credentials });
}
