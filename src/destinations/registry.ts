import { SluiceError } from "../core/errors.js";
import { type DuckdbOptions, duckdbRegistration } from "./duckdb/index.js";
import { type FilesystemOptions, filesystemRegistration } from "./filesystem/index.js";
import { type PostgresDestinationOptions, postgresRegistration } from "./postgres/index.js";
import type {
  DestinationFactory,
  DestinationOptionsBase,
  DestinationPlace,
  DestinationRecord,
  DestinationRegistration,
} from "./registration.js";
import type { Destination } from "./types.js";

/** Options for a destination named by a string, with the built-in destinations' own keys. */
export interface DestinationOptions extends DestinationOptionsBase {
  duckdb?: DuckdbOptions;
  postgres?: PostgresDestinationOptions;
  filesystem?: FilesystemOptions;
}

const registrations = new Map<string, DestinationRegistration>();

/**
 * Adds a destination by name, for `pipeline({ destination: name })` and `sluice run --destination name`
 * alike: either a factory from options, or a registration that also says how the CLI records and reopens it.
 */
export function registerDestination(registration: DestinationRegistration): void;
export function registerDestination(name: string, factory: DestinationFactory): void;
export function registerDestination(
  nameOrRegistration: string | DestinationRegistration,
  factory?: DestinationFactory,
): void {
  const registration =
    typeof nameOrRegistration === "string"
      ? { name: nameOrRegistration, create: factory as DestinationFactory }
      : nameOrRegistration;
  for (const name of [registration.name, ...(registration.aliases ?? [])])
    registrations.set(name.toLowerCase(), registration);
}

for (const builtIn of [duckdbRegistration, postgresRegistration, filesystemRegistration])
  registerDestination(builtIn);

const URL_SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/** The registration a name or a `name://…` URL selects, and the URL itself when it was one. */
function lookup(spec: string): { registration: DestinationRegistration; url?: string } {
  const scheme = URL_SCHEME.exec(spec)?.[1]?.toLowerCase();
  const registration = registrations.get(scheme ?? spec.toLowerCase());
  if (registration === undefined) {
    const names = [...new Set(registrations.values())].map((r) => r.name);
    const schemes = [...registrations.keys()].map((n) => `${n}://…`);
    throw new SluiceError(`Unknown destination "${scheme === undefined ? spec : `${scheme}://…`}"`, {
      code: "CONFIG_DESTINATION",
      hint: `Use one of: ${names.join(", ")}; or a URL: ${schemes.join(", ")}.`,
    });
  }
  return scheme === undefined ? { registration } : { registration, url: spec };
}

function withUrl(options: DestinationOptionsBase, url: string | undefined): DestinationOptionsBase {
  return url === undefined ? options : { ...options, url };
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
  const { registration, url } = lookup(spec);
  return registration.create(withUrl(options, url));
}

/** `sluice run`: the destination a name or URL and the flags' options give, and the record to keep of it. */
export function destinationForRun(
  spec: string,
  options: DestinationOptionsBase,
  place: DestinationPlace,
): { destination: Destination; record: DestinationRecord } {
  const { registration, url } = lookup(spec);
  const given = withUrl(options, url);
  if (registration.run === undefined)
    return { destination: registration.create(given), record: { name: registration.name } };
  const { destination, record } = registration.run(given, place);
  return { destination, record: { name: registration.name, ...record } };
}

/** `sluice pipeline <name> …`: the destination a run recorded. */
export function reopenDestination(
  record: DestinationRecord,
  options: DestinationOptionsBase,
  place: DestinationPlace,
): Destination {
  const { registration } = lookup(record.name);
  return registration.reopen?.(record, options, place) ?? registration.create(options);
}
