import { z } from "zod";
import { isSecretRef, type SecretRef } from "../core/secret-ref.js";

/**
 * The zod building blocks of config options: the HTTP layer declares the options of each paginator,
 * authenticator and retry policy with them (a registered type may too), and the config language
 * (config/schema.ts) composes those declarations with its own blocks.
 */

/** Marks schemas the JSON Schema generator rewrites or leaves out (see `SluiceKind`). */
export const SLUICE_KIND = "x-sluice";

/**
 * `string`: a string, or in TypeScript a `SecretRef`; `ts-only`: a function, which files cannot hold;
 * `registered`: options of a type registered at run time, which the JSON Schema (built-ins only) omits.
 */
export type SluiceKind = "string" | "ts-only" | "registered";

/** Passes the allowed keys of a strict object to the validator, which turns them into suggestions. */
export const UNKNOWN_KEYS_MARK = "\u0001unknown-keys:";

/** A strict object: an unknown key is an error, and the validator suggests the nearest allowed key. */
export function configObject<S extends z.ZodRawShape>(shape: S) {
  const keys = Object.keys(shape);
  return z.strictObject(shape, {
    error: (iss) => (iss.code === "unrecognized_keys" ? UNKNOWN_KEYS_MARK + JSON.stringify(keys) : undefined),
  });
}

/** A string, or in TypeScript a `secrets.x` reference. Files write secrets as `${secrets.x}` inside the string. */
export const stringOrSecret = () =>
  z
    .custom<string | SecretRef>((v) => typeof v === "string" || isSecretRef(v), {
      error: "expected a string",
    })
    .meta({ [SLUICE_KIND]: "string" satisfies SluiceKind });

export const stringOrSecretMap = () => z.record(z.string(), stringOrSecret());

/** How a file spells a secret, for descriptions (built so linters do not mistake it for a template). */
export const SECRET_SPELLING = `"$${"{"}secrets.name}"`;

// biome-ignore lint/suspicious/noExplicitAny: a user callback's argument types are the user's business
type AnyFunction = (...args: any[]) => unknown;
/** A TypeScript function; files cannot hold one, so the JSON Schema leaves the key out. */
export const tsFunction = <F extends AnyFunction>() =>
  z
    .custom<F>((v) => typeof v === "function", { error: "expected a function (TypeScript configs only)" })
    .meta({ [SLUICE_KIND]: "ts-only" satisfies SluiceKind });

export const nonNegativeInt = () => z.number().int().min(0);
