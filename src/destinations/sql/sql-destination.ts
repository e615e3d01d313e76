import type { Destination, DestinationCapabilities, DestinationContext } from "../types.js";
import { SqlClient } from "./sql-client.js";
import type { SqlDialect } from "./sql-dialect.js";
import type { SqlDriver } from "./sql-driver.js";

/** What a SQL destination brings: its dialect, and how to reach its database. */
export interface SqlDestinationParts {
  name: string;
  capabilities: DestinationCapabilities;
  dialect: SqlDialect;
  describeLocation(ctx: DestinationContext): string;
  /** Opens a driver for the pipeline's dataset (failing with a clear error when that cannot work). */
  openDriver(ctx: DestinationContext): Promise<SqlDriver>;
}

/** A destination whose client is the shared SQL client over the destination's own driver and dialect. */
export function sqlDestination(parts: SqlDestinationParts): Destination {
  return {
    name: parts.name,
    capabilities: parts.capabilities,
    describeLocation: (ctx) => parts.describeLocation(ctx),
    async connect(ctx) {
      return new SqlClient(await parts.openDriver(ctx), parts.dialect, parts.capabilities, ctx);
    },
  };
}
