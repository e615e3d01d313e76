import { flatten, isSchema, type Schema } from "./json-schema.js";
import type { LoadedSpec } from "./spec-load.js";

export interface Param {
  name: string;
  in: "query" | "path" | "header" | "cookie" | "body" | "formData";
  required: boolean;
  schema: Schema;
  description?: string;
}

export interface Operation {
  method: string;
  path: string;
  operationId?: string;
  summary?: string;
  tags: string[];
  params: Param[];
  /** The success response's body schema (200, 201, 2XX or default), when JSON. */
  response?: Schema;
  /** Response header names the success response declares (lower case). */
  responseHeaders: string[];
  /** Names of the security schemes that apply (the operation's or the spec's). */
  security: string[];
}

export interface SecurityScheme {
  name: string;
  type: "apiKey" | "http" | "oauth2" | "openIdConnect" | "basic";
  in?: "header" | "query" | "cookie";
  paramName?: string;
  scheme?: string;
  /** OAuth2 client credentials' token URL, when the spec has that flow. */
  tokenUrl?: string;
  scopes: string[];
}

export interface ApiModel {
  title: string;
  baseUrl?: string;
  operations: Operation[];
  securitySchemes: SecurityScheme[];
}

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

/** The spec in one shape, whatever its version: operations with parameters and success responses. */
export function apiModel(spec: LoadedSpec): ApiModel {
  const doc = spec.doc;
  const info = isSchema(doc["info"]) ? doc["info"] : {};
  const paths = isSchema(doc["paths"]) ? doc["paths"] : {};
  const globalSecurity = securityNames(doc["security"]);
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(paths)) {
    if (!isSchema(item)) continue;
    const shared = paramsOf(item["parameters"], spec.version);
    for (const method of METHODS) {
      const op = item[method];
      if (!isSchema(op)) continue;
      const own = paramsOf(op["parameters"], spec.version);
      const params = [...shared.filter((p) => !own.some((o) => o.name === p.name && o.in === p.in)), ...own];
      const success = successResponse(op["responses"]);
      operations.push({
        method: method.toUpperCase(),
        path,
        ...(typeof op["operationId"] === "string" ? { operationId: op["operationId"] } : {}),
        ...(typeof op["summary"] === "string" ? { summary: op["summary"] } : {}),
        tags: Array.isArray(op["tags"]) ? (op["tags"] as unknown[]).map(String) : [],
        params,
        ...(success?.schema === undefined ? {} : { response: success.schema }),
        responseHeaders: success?.headers ?? [],
        security: op["security"] === undefined ? globalSecurity : securityNames(op["security"]),
      });
    }
  }
  return {
    title: typeof info["title"] === "string" ? info["title"] : "API",
    ...absoluteBase(baseUrlOf(doc, spec.version).baseUrl, spec.source),
    operations,
    securitySchemes: schemesOf(doc, spec.version),
  };
}

function paramsOf(raw: unknown, version: LoadedSpec["version"]): Param[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter(isSchema).map((p) => ({
    name: String(p["name"] ?? ""),
    in: String(p["in"] ?? "query") as Param["in"],
    required: p["required"] === true,
    // Swagger 2 puts the type on the parameter itself.
    schema: flatten(version === "2.0" && p["in"] !== "body" ? p : (p["schema"] ?? p)),
    ...(typeof p["description"] === "string" ? { description: p["description"] } : {}),
  }));
}

function successResponse(raw: unknown): { schema?: Schema; headers: string[] } | undefined {
  if (!isSchema(raw)) return undefined;
  const key = ["200", "201", "2XX", "2xx", "default"].find((k) => isSchema(raw[k]));
  if (key === undefined) return undefined;
  const res = raw[key] as Schema;
  const headers = isSchema(res["headers"]) ? Object.keys(res["headers"]).map((h) => h.toLowerCase()) : [];
  if (isSchema(res["schema"])) return { schema: res["schema"], headers };
  const content = isSchema(res["content"]) ? res["content"] : {};
  const json = Object.entries(content).find(([type]) => /json/i.test(type));
  const media = json?.[1];
  return { ...(isSchema(media) && isSchema(media["schema"]) ? { schema: media["schema"] } : {}), headers };
}

function securityNames(raw: unknown): string[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter(isSchema).flatMap((req) => Object.keys(req));
}

function schemesOf(doc: Schema, version: LoadedSpec["version"]): SecurityScheme[] {
  const components = isSchema(doc["components"]) ? doc["components"] : {};
  const raw = version === "2.0" ? doc["securityDefinitions"] : components["securitySchemes"];
  if (!isSchema(raw)) return [];
  return Object.entries(raw).flatMap(([name, s]): SecurityScheme[] => {
    if (!isSchema(s)) return [];
    const type = String(s["type"]) as SecurityScheme["type"];
    const flows = isSchema(s["flows"]) ? s["flows"] : {};
    const cc = isSchema(flows["clientCredentials"]) ? flows["clientCredentials"] : undefined;
    // Swagger 2: flow "application" is the client-credentials grant.
    const tokenUrl =
      cc !== undefined ? cc["tokenUrl"] : s["flow"] === "application" ? s["tokenUrl"] : undefined;
    const scopes = isSchema(cc?.["scopes"])
      ? Object.keys(cc["scopes"] as Schema)
      : isSchema(s["scopes"])
        ? Object.keys(s["scopes"])
        : [];
    return [
      {
        name,
        type,
        ...(typeof s["in"] === "string" ? { in: s["in"] as SecurityScheme["in"] } : {}),
        ...(typeof s["name"] === "string" ? { paramName: s["name"] } : {}),
        ...(typeof s["scheme"] === "string" ? { scheme: s["scheme"].toLowerCase() } : {}),
        ...(typeof tokenUrl === "string" ? { tokenUrl } : {}),
        scopes,
      },
    ];
  });
}

/**
 * Servers written relative to where the spec is served (`/api/v1`, `//host/v2`): resolved against the
 * spec's URL, else left to the user as `${env.API_BASE_URL}` in front of the path.
 */
function absoluteBase(url: string | undefined, source: string): { baseUrl?: string } {
  if (url === undefined || /^https?:\/\//i.test(url)) return url === undefined ? {} : { baseUrl: url };
  if (url.startsWith("//")) return { baseUrl: `https:${url}` };
  if (/^https?:\/\//i.test(source)) return { baseUrl: new URL(url, source).href };
  return { baseUrl: `\${env.API_BASE_URL}${url.startsWith("/") ? url : `/${url}`}` };
}

function baseUrlOf(doc: Schema, version: LoadedSpec["version"]): { baseUrl?: string } {
  if (version === "2.0") {
    const host = typeof doc["host"] === "string" ? doc["host"] : undefined;
    if (host === undefined) return {};
    const schemes = Array.isArray(doc["schemes"]) ? (doc["schemes"] as string[]) : [];
    const scheme = schemes.includes("https") ? "https" : (schemes[0] ?? "https");
    const basePath = typeof doc["basePath"] === "string" ? doc["basePath"] : "";
    return { baseUrl: `${scheme}://${host}${basePath}` };
  }
  const servers = Array.isArray(doc["servers"]) ? doc["servers"].filter(isSchema) : [];
  const first = servers[0];
  if (first === undefined || typeof first["url"] !== "string") return {};
  let url = first["url"];
  const vars = isSchema(first["variables"]) ? first["variables"] : {};
  for (const [name, v] of Object.entries(vars))
    if (isSchema(v) && v["default"] !== undefined) url = url.replaceAll(`{${name}}`, String(v["default"]));
  return { baseUrl: url };
}
