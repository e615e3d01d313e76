import { SluiceError } from "../core/errors.js";
import { type DuckdbOptions, duckdb } from "./duckdb/duckdb-destination.js";
import { filesystemFromOptions } from "./filesystem/index.js";
import { postgresFromOptions } from "./postgres/index.js";
import type { Destination } from "./types.js";

/** Options per destination name; each factory reads its own key. */
export interface DestinationOptions {
  duckdb?: DuckdbOptions;
  [name: string]: unknown;
}

export type DestinationFactory = (options: DestinationOptions) => Destination;

/** `duckdb:///abs/path.duckdb` or `duckdb://relative.duckdb` names the file. */
function duckdbFromOptions(o: DestinationOptions): Destination {
  const url = typeof o["url"] === "string" ? o["url"] : undefined;
  const path = url === undefined ? undefined : url.replace(/^duckdb:\/\//i, "");
  return duckdb({ ...(o.duckdb ?? {}), ...(path ? { path } : {}) });
}

const registry = new Map<string, DestinationFactory>([
  ["duckdb", duckdbFromOptions],
  ["postgres", postgresFromOptions],
  ["filesystem", filesystemFromOptions],
  // `--destination file:///data/lake` names a filesystem bucket.
  ["file", filesystemFromOptions],
]);

/** Adds a destination by name (postgres, filesystem register themselves here). */
export function registerDestination(name: string, factory: DestinationFactory): void {
  registry.set(name, factory);
}

export function destinationNames(): string[] {
  return [...registry.keys()];
}

/**
 * A destination from its name (`duckdb`), a `name://…` URL whose scheme names a registered destination,
 * or a ready Destination object (returned as is).
 */
export function resolveDestination(
  spec: string | Destination,
  options: DestinationOptions = {},
): Destination {
  if (typeof spec !== "string") return spec;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(spec)?.[1]?.toLowerCase();
  const name = scheme === "postgresql" ? "postgres" : (scheme ?? spec.toLowerCase());
  const factory = registry.get(name);
  if (factory === undefined)
    throw new SluiceError(`Unknown destination "${spec.includes("://") ? `${scheme}://…` : spec}"`, {
      code: "DESTINATION_UNKNOWN",
      hint: `Use one of: ${destinationNames().join(", ")}.`,
    });
  return factory(scheme === undefined ? options : { ...options, url: spec });
}
