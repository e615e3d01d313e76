export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** One record as it comes from a source: a plain object, values not yet typed. */
export type DataRecord = Record<string, unknown>;
