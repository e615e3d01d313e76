/**
 * Reads the config language's JSON Schema (`schema/sluice-config.schema.json`) as a list of documented
 * objects — one per config block and per variant (each auth type, each paginator type) — with their
 * keys, types and descriptions. The generator of `config-reference.md` and the test that keeps the
 * reference in step with the schema both use it.
 */
export interface SchemaNode {
  $ref?: string;
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  description?: string;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  items?: SchemaNode;
  additionalProperties?: SchemaNode | boolean;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  $defs?: Record<string, SchemaNode>;
  default?: unknown;
}

export interface DocumentedKey {
  key: string;
  type: string;
  required: boolean;
  description: string;
}

export interface DocumentedObject {
  /** Heading: the config path of the block, plus the variant (`client.auth — type "bearer"`). */
  title: string;
  description: string;
  keys: DocumentedKey[];
}

export function documentedObjects(root: SchemaNode): DocumentedObject[] {
  const defs = root.$defs ?? {};
  const out: DocumentedObject[] = [];
  const seenDefs = new Set<string>();
  const defTitle = (ref: string) => ref.replace("#/$defs/", "");

  const visit = (node: SchemaNode, title: string, description = ""): void => {
    if (node.$ref) {
      const name = defTitle(node.$ref);
      if (seenDefs.has(name)) return;
      seenDefs.add(name);
      const def = defs[name];
      if (def) visit(def, name, def.description ?? description);
      return;
    }
    const variants = node.anyOf ?? node.oneOf;
    if (variants) {
      const objects = variants.filter(
        (v) =>
          v.properties ||
          v.anyOf ||
          v.oneOf ||
          v.$ref ||
          v.items ||
          typeof v.additionalProperties === "object",
      );
      for (const v of objects) {
        const tag = variantTag(v);
        const multi = objects.filter((o) => o.properties).length > 1;
        visit(
          v,
          tag && multi ? `${title} — type "${tag}"` : title,
          v.description ?? node.description ?? description,
        );
      }
      return;
    }
    if (node.items) visit(node.items, `${title}[]`, node.items.description ?? description);
    if (node.properties) {
      const required = new Set(node.required ?? []);
      out.push({
        title,
        description: node.description ?? description,
        keys: Object.entries(node.properties).map(([key, p]) => ({
          key,
          type: typeOf(p),
          required: required.has(key),
          description: p.description ?? describeRef(p, defs),
        })),
      });
      for (const [key, p] of Object.entries(node.properties))
        visit(p, title === "" ? key : `${title}.${key}`);
    }
    if (typeof node.additionalProperties === "object") visit(node.additionalProperties, `${title}.<name>`);
  };

  visit(root, "");
  if (out[0]) out[0].title = "Top level";
  return out;
}

function variantTag(v: SchemaNode): string | undefined {
  const t = v.properties?.type;
  if (!t) return undefined;
  if (typeof t.const === "string") return t.const;
  if (t.enum && t.enum.length > 0) return t.enum.map(String).join(`" / "`);
  return undefined;
}

function describeRef(p: SchemaNode, defs: Record<string, SchemaNode>): string {
  const ref = p.$ref ?? p.anyOf?.find((v) => v.$ref)?.$ref;
  return ref ? (defs[ref.replace("#/$defs/", "")]?.description ?? "") : "";
}

/** A short type for a table cell: `string`, `"a" \| "b"`, `list of string`, `Paginator`, `map of string`. */
export function typeOf(node: SchemaNode): string {
  if (node.$ref) return node.$ref.replace("#/$defs/", "");
  if (node.const !== undefined) return JSON.stringify(node.const);
  if (node.enum) return node.enum.map((e) => JSON.stringify(e)).join(" | ");
  const variants = node.anyOf ?? node.oneOf;
  if (variants) return [...new Set(variants.map(typeOf))].join(" or ");
  const types = Array.isArray(node.type) ? node.type : node.type ? [node.type] : [];
  if (types.length === 0) return "any";
  return types
    .map((t) => {
      if (t === "array") return `list of ${node.items ? typeOf(node.items) : "any"}`;
      if (t === "object" && !node.properties && typeof node.additionalProperties === "object")
        return `map of ${typeOf(node.additionalProperties)}`;
      return t;
    })
    .join(" or ");
}

/** GitHub's heading anchor. */
export function anchor(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .trim()
    .replace(/\s/g, "-");
}
