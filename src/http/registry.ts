import { z } from "zod";
import { SluiceError } from "../core/errors.js";
import { isPlainObject } from "../core/json.js";
import { SLUICE_KIND, type SluiceKind } from "./options-schema.js";

/** What every registration has: the zod schema of its config object, `type` included. */
export interface TypeRegistration {
  readonly schema: z.ZodType;
}

/** A config object of a registered type as the config types see it: the rest is its schema's business. */
export interface RegisteredOptions {
  type: string;
  [key: string]: unknown;
}

interface RegistryState<R> {
  readonly byType: Map<string, R>;
  builtins: ReadonlySet<string> | undefined;
}

/**
 * The types of one kind (paginators, authenticators) by name, open to users as dlt's
 * `register_paginator` / `register_auth` are. The built-ins register first, the same way, and
 * `sealBuiltins` then fixes them: they are what the generated JSON Schema lists, and a later
 * registration adds a type (or replaces a type of its own, as a config module loaded twice does).
 *
 * The state is process-wide, as a secret reference's brand is: a `.ts` config that imports "sluice"
 * may get a second copy of these modules, and what it registers must reach the copy that validates
 * and runs the config.
 */
export class TypeRegistry<R extends TypeRegistration> {
  private readonly state: RegistryState<R>;
  /** This copy registered its built-ins (a later copy finds them registered by the first). */
  private sealed = false;

  /**
   * @param defaultType the type of a config that names none (dlt's bearer shorthand for auth).
   */
  constructor(
    private readonly kind: "paginator" | "auth",
    private readonly defaultType?: string,
  ) {
    const global = globalThis as { [key: symbol]: RegistryState<R> | undefined };
    const key = Symbol.for(`sluice.${kind}-types`);
    this.state = global[key] ??= { byType: new Map(), builtins: undefined };
  }

  register(type: string, registration: R): void {
    if (this.state.builtins?.has(type)) {
      if (!this.sealed) return;
      throw new SluiceError(`${this.kind} type "${type}" is built in and cannot be replaced`, {
        code: "REGISTRATION_INVALID",
        hint: `register yours under a name of its own, e.g. "my_${type}"`,
      });
    }
    this.state.byType.set(type, registration);
  }

  /** Ends the built-ins' registrations. */
  sealBuiltins(): void {
    this.sealed = true;
    this.state.builtins ??= new Set(this.state.byType.keys());
  }

  /** The registration of `type`; one that is not registered is a config a validator would have refused. */
  resolve(named: string | undefined): R {
    const type = named ?? this.defaultType ?? "";
    const registration = this.state.byType.get(type);
    if (registration) return registration;
    const register = this.kind === "paginator" ? "registerPaginator" : "registerAuth";
    throw new SluiceError(`unknown ${this.kind} type "${type}"`, {
      code: this.kind === "paginator" ? "PAGINATOR_INVALID" : "AUTH_INVALID",
      hint: `use one of ${[...this.state.byType.keys()].join(", ")}, or add it with ${register}`,
    });
  }

  /**
   * The config schema of the types users registered, first in its union: an object whose `type` is
   * one of them (with `byName`, also the bare name) is checked by that registration's schema, and an
   * unknown `type` is reported with every registered name to choose from. Anything else, built-in
   * types included, fails at its root, so the config validator explains it by the built-in branches.
   * The registration's own issues go on (zod's `continue`), the others stop: a union whose one
   * branch went on reports that branch's issues as its own.
   */
  registeredOptions<T>(byName: boolean): z.ZodType<T> {
    return z
      .custom<T>()
      .superRefine((value, ctx) => {
        const check = (registration: R, config: unknown) => {
          const result = registration.schema.safeParse(config);
          if (!result.success) for (const issue of result.error.issues) ctx.addIssue({ ...issue });
        };
        const notMine = () =>
          ctx.addIssue({ code: "invalid_type", expected: "object", input: value, continue: false });
        if (byName && typeof value === "string") {
          const registration = this.registered(value);
          if (registration) check(registration, { type: value });
          else notMine();
          return;
        }
        const type = isPlainObject(value) ? (value.type ?? this.defaultType) : null;
        const registration = this.registered(type);
        if (registration) check(registration, value);
        else if (type === undefined || (typeof type === "string" && !this.state.byType.has(type)))
          // What a discriminated union of every registered type says of a type it does not know.
          ctx.addIssue({
            code: "invalid_union",
            errors: [],
            note: "No matching discriminator",
            discriminator: "type",
            options: [...this.state.byType.keys()],
            input: value,
            path: ["type"],
            continue: false,
          });
        else notMine();
      })
      .meta({ [SLUICE_KIND]: "registered" satisfies SluiceKind });
  }

  private registered(type: unknown): R | undefined {
    return typeof type === "string" && !this.state.builtins?.has(type)
      ? this.state.byType.get(type)
      : undefined;
  }
}
