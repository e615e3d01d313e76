import { z } from "zod";
import { SLUICE_KIND, type SluiceKind } from "../http/options-schema.js";
import { retryPolicySchema } from "../http/retry.js";
import {
  authSchema,
  columnsSchema,
  endpointSchema,
  incrementalSchema,
  paginatorSchema,
  paramValueSchema,
  restApiConfigSchema,
  schemaContractSchema,
  writeDispositionSchema,
} from "./schema.js";

type Json = Record<string, unknown>;

/**
 * The JSON Schema of config files, generated from the zod schema. Secret-capable strings become plain
 * strings (files write `${secrets.x}`), and TypeScript-only keys (functions) are left out, so an editor
 * flags `processing_steps` in a YAML file just as the validator does. So are the branches for paginator
 * and auth types registered at run time: the file lists the built-in types.
 */
export function buildJsonSchema(): Json {
  // Shared parts get names in $defs, so editors show "Endpoint" rather than an inlined copy.
  const named: [z.ZodType, string][] = [
    [authSchema, "Auth"],
    [columnsSchema, "Columns"],
    [endpointSchema, "Endpoint"],
    [retryPolicySchema, "ErrorHandler"],
    [incrementalSchema, "Incremental"],
    [paginatorSchema, "Paginator"],
    [paramValueSchema, "ParamValue"],
    [schemaContractSchema, "SchemaContract"],
    [writeDispositionSchema, "WriteDisposition"],
  ];
  for (const [schema, id] of named) z.globalRegistry.add(schema, { ...z.globalRegistry.get(schema), id });
  const raw = z.toJSONSchema(restApiConfigSchema, {
    unrepresentable: "any",
    target: "draft-2020-12",
  }) as Json;
  const out = rewrite(raw) as Json;
  // No $id: the file is referenced by path (npm package `schema/` folder), not from a URL.
  return { $schema: raw.$schema, title: "sluice config", ...withoutKeys(out, ["$schema"]) };
}

function withoutKeys(o: Json, keys: string[]): Json {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
}

const LEFT_OUT: ReadonlySet<unknown> = new Set<SluiceKind>(["ts-only", "registered"]);

function isLeftOut(node: unknown): boolean {
  return typeof node === "object" && node !== null && LEFT_OUT.has((node as Json)[SLUICE_KIND]);
}

function rewrite(node: unknown): unknown {
  if (Array.isArray(node)) return node.filter((n) => !isLeftOut(n)).map(rewrite);
  if (typeof node !== "object" || node === null) return node;
  let o: Json = { ...(node as Json) };
  if (o[SLUICE_KIND] === ("string" satisfies SluiceKind))
    o = { type: "string", ...withoutKeys(o, [SLUICE_KIND]) };
  if (o.properties && typeof o.properties === "object") {
    const props = Object.entries(o.properties as Json).filter(([, v]) => !isLeftOut(v));
    o.properties = Object.fromEntries(props);
    if (Array.isArray(o.required)) {
      const kept = (o.required as string[]).filter((k) => props.some(([p]) => p === k));
      if (kept.length > 0) o.required = kept;
      else delete o.required;
    }
  }
  const out: Json = {};
  for (const [k, v] of Object.entries(o)) out[k] = rewrite(v);
  for (const key of ["anyOf", "oneOf"]) {
    const branches = out[key];
    if (Array.isArray(branches) && branches.length === 1) {
      delete out[key];
      Object.assign(out, { ...(branches[0] as Json), ...out });
    }
  }
  return out;
}
