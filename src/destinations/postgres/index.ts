import { SluiceError } from "../../core/errors.js";
import { type DestinationOptionsBase, type DestinationRegistration, optionText } from "../registration.js";
import { sqlDestination } from "../sql/sql-destination.js";
import type { Destination, DestinationCapabilities } from "../types.js";
import { describeCredentials, type PostgresCredentials, resolveCredentials } from "./postgres-connection.js";
import { PG_MAX_IDENTIFIER_LENGTH, postgresDialect } from "./postgres-dialect.js";
import { PostgresDriver } from "./postgres-driver.js";
import {
  type PostgresRecord,
  postgresCredentialsFor,
  postgresUrl,
  resolvePostgresRun,
} from "./postgres-record.js";

export interface PostgresDestinationOptions {
  /** `postgresql://user:password@host:port/database`; defaults to DESTINATION__POSTGRES__CREDENTIALS, then PG* variables. */
  credentials?: string;
}

export const POSTGRES_CAPABILITIES: DestinationCapabilities = {
  maxIdentifierLength: PG_MAX_IDENTIFIER_LENGTH,
  mergeStrategies: ["delete-insert", "upsert", "scd2"],
  transactional: true,
};

export function postgresDestination(options: PostgresDestinationOptions = {}): Destination {
  // Resolved lazily: a config that names postgres can be validated without credentials present.
  let creds: PostgresCredentials | undefined;
  const credentials = () => {
    creds ??= resolveCredentials(options.credentials);
    return creds;
  };
  return sqlDestination({
    name: "postgres",
    capabilities: POSTGRES_CAPABILITIES,
    dialect: postgresDialect,
    describeLocation: (ctx) => `postgres ${describeCredentials(credentials())}, schema "${ctx.datasetName}"`,
    openDriver(ctx) {
      if (Buffer.byteLength(ctx.datasetName, "utf8") > PG_MAX_IDENTIFIER_LENGTH)
        // PostgreSQL would silently cut the schema name, and lookups by the full name would then miss it.
        throw new SluiceError(
          `Dataset name "${ctx.datasetName}" is longer than PostgreSQL's ${PG_MAX_IDENTIFIER_LENGTH}-byte limit for schema names`,
          { code: "CONFIG_DESTINATION", hint: "Choose a shorter dataset name (--dataset, or dataset_name)." },
        );
      return PostgresDriver.open(credentials());
    },
  });
}

/**
 * The PostgreSQL destination a pipeline's last run recorded. Its location needs no password; the password
 * is looked up (and its absence reported) only when a connection is made.
 */
function recordedPostgresDestination(
  record: PostgresRecord,
  pipelineName: string,
  env: NodeJS.ProcessEnv,
  cwd: string,
): Destination {
  const described = postgresDestination({ credentials: postgresUrl(record, undefined) });
  let connecting: Destination | undefined;
  return {
    name: described.name,
    capabilities: described.capabilities,
    describeLocation: (ctx) => described.describeLocation(ctx),
    connect: (ctx) => {
      connecting ??= postgresDestination({
        credentials: postgresCredentialsFor(record, pipelineName, env, cwd),
      });
      return connecting.connect(ctx);
    },
  };
}

/** The connection URL: `postgres.credentials`, else the destination URL itself (`postgresql://…`), else `--credentials`. */
function connectionUrl(options: DestinationOptionsBase): string | undefined {
  const own = (options["postgres"] ?? {}) as PostgresDestinationOptions;
  return optionText(own.credentials) ?? optionText(options.url) ?? optionText(options.credentials);
}

export const postgresRegistration: DestinationRegistration = {
  name: "postgres",
  aliases: ["postgresql"],
  create(options) {
    const credentials = connectionUrl(options);
    return postgresDestination(credentials === undefined ? {} : { credentials });
  },
  run(options, place) {
    const { record, credentials } = resolvePostgresRun(connectionUrl(options), place.env, place.cwd);
    return {
      destination: postgresDestination(credentials === undefined ? {} : { credentials }),
      record: { postgres: record },
    };
  },
  reopen(record, options, place) {
    const given = connectionUrl(options);
    const recorded = record["postgres"] as PostgresRecord | undefined;
    // The server and user the run used, the password looked up where the run looked, when a connection is
    // made (`trace` needs none, so it works without the password).
    if (given === undefined && recorded !== undefined)
      return recordedPostgresDestination(recorded, place.pipelineName, place.env, place.cwd);
    return postgresDestination(given === undefined ? {} : { credentials: given });
  },
};
