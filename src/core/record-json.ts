/**
 * JSON text of one record. Bigints (which JSON.stringify refuses) are written as their digits, so an id
 * beyond 2^53 reaches the load file exactly and reads back as a number, not a string.
 */
export function recordToJson(record: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(record);
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    text = stringifyWithBigints(record, "") ?? "null";
  }
  return text.includes("\\ud") ? wellFormed(text) : text;
}

/**
 * JSON.stringify escapes a lone surrogate (`"\ud800"`, which JSON text may carry but Unicode has no
 * character for) instead of failing; DuckDB's JSON reader then refuses the whole load file. It becomes
 * U+FFFD, as Node's own UTF-8 encoding (and so the PostgreSQL COPY stream) already writes it. An escaped
 * backslash before `ud800` (`\\ud800`, the six characters as text) is left alone.
 */
const LONE_SURROGATE = /(?<!\\)((?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/g;

function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, "$1\\ufffd");
}

/** JSON.stringify's rules (toJSON, undefined dropped from objects and nulled in lists), plus bigint digits. */
function stringifyWithBigints(value: unknown, key: string): string | undefined {
  let v = value;
  if (typeof v === "object" && v !== null && typeof (v as { toJSON?: unknown }).toJSON === "function")
    v = (v as { toJSON(key: string): unknown }).toJSON(key);
  switch (typeof v) {
    case "bigint":
      return v.toString();
    case "object": {
      if (v === null) return "null";
      if (Array.isArray(v)) {
        const items = v.map((item, i) => stringifyWithBigints(item, String(i)) ?? "null");
        return `[${items.join(",")}]`;
      }
      const parts: string[] = [];
      for (const [k, item] of Object.entries(v)) {
        const s = stringifyWithBigints(item, k);
        if (s !== undefined) parts.push(`${JSON.stringify(k)}:${s}`);
      }
      return `{${parts.join(",")}}`;
    }
    default:
      return JSON.stringify(v);
  }
}
