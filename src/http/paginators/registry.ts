import type { z } from "zod";
import { type RegisteredOptions, type TypeRegistration, TypeRegistry } from "../registry.js";
import type { Paginator } from "./paginator.js";

/** What creating a paginator may use besides its config. */
export interface PaginatorContext {
  /** Told which paginator auto-detection chose, and why. */
  onDetect?: (paginatorType: string, reason: string) => void;
}

/** A paginator type: the schema of its config object (`type` included) and a factory of fresh paginators. */
export interface PaginatorRegistration<S extends z.ZodType = z.ZodType> extends TypeRegistration {
  readonly schema: S;
  /** A fresh paginator for one pagination run; `config` passed the schema. */
  create(config: z.input<S>, context: PaginatorContext): Paginator;
}

/** A config of a registered paginator type; `maximum_pages`, when its schema takes it, caps it as every paginator. */
export interface RegisteredPaginatorConfig extends RegisteredOptions {
  maximum_pages?: number;
}

export const PAGINATORS = new TypeRegistry<PaginatorRegistration>("paginator");

/**
 * Adds a paginator type (dlt's `register_paginator`): configs may then name it in `paginator.type`
 * (or as `paginator: "<type>"`); `sluice validate` and `restApiSource` check its options with
 * `schema`, and each pagination run gets a paginator from `create`.
 */
export function registerPaginator<S extends z.ZodType>(
  type: string,
  registration: PaginatorRegistration<S>,
): void {
  PAGINATORS.register(type, registration);
}
