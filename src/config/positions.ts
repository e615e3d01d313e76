import JSON5 from "json5";
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";

/** A place in a config file, 1-based. `key` is where the key of a map entry starts, when there is one. */
export interface SourcePosition {
  line: number;
  column: number;
  key?: { line: number; column: number };
}

/** Config path (`resources[2].endpoint.paginator.type`) → where its value sits in the file. */
export type SourcePositions = Map<string, SourcePosition>;

export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `["resources", 2, "endpoint"]` → `resources[2].endpoint`; odd keys are quoted: `headers["X-Key"]`. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = "";
  for (const seg of segments) out = appendPath(out, seg);
  return out;
}

/** Offset → line/column, for texts scanned by offset. */
class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  at(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo]! + 1 };
  }
}

/** `prefix` + one more segment, in `formatPath`'s spelling, without rebuilding the whole path. */
export function appendPath(prefix: string, seg: PathSegment): string {
  if (typeof seg === "number") return `${prefix}[${seg}]`;
  if (IDENTIFIER.test(seg)) return prefix === "" ? seg : `${prefix}.${seg}`;
  return `${prefix}[${JSON.stringify(seg)}]`;
}

function isSpace(code: number): boolean {
  // ASCII whitespace, NBSP, BOM, and the Unicode spaces and line separators JSON5 allows.
  return (
    code === 32 ||
    (code >= 9 && code <= 13) ||
    code === 0xa0 ||
    code === 0xfeff ||
    code === 0x2028 ||
    code === 0x2029 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x1680 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

/**
 * Positions of every value in a JSON or JSON5 text. A scan, not a parser: it runs after JSON5 has
 * accepted the text, so it only has to find where each value starts, skipping comments and strings.
 */
export function jsonPositions(text: string): SourcePositions {
  const positions: SourcePositions = new Map();
  const lines = new LineIndex(text);
  const n = text.length;
  let i = 0;

  const skipSpace = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 47 /* / */ && text.charCodeAt(i + 1) === 47) {
        while (i < n && text.charCodeAt(i) !== 10) i++;
      } else if (c === 47 && text.charCodeAt(i + 1) === 42 /* * */) {
        const end = text.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
      } else if (isSpace(c)) i++;
      else return;
    }
  };

  const skipString = (): void => {
    const quote = text.charCodeAt(i);
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === quote) break;
      i += c === 92 /* \ */ ? 2 : 1;
    }
    i++;
  };

  const readKey = (): string => {
    const start = i;
    const c = text.charCodeAt(i);
    if (c === 34 || c === 39) {
      skipString();
      const raw = text.slice(start, i);
      try {
        return JSON5.parse<string>(raw);
      } catch {
        return raw.slice(1, -1);
      }
    }
    while (i < n) {
      const d = text.charCodeAt(i);
      if (d === 58 /* : */ || d === 47 || isSpace(d)) break;
      i++;
    }
    return text.slice(start, i);
  };

  const scanValue = (path: string, keyAt?: number): void => {
    skipSpace();
    const here: SourcePosition = lines.at(i);
    if (keyAt !== undefined) here.key = lines.at(keyAt);
    positions.set(path, here);
    const c = text.charCodeAt(i);
    if (c === 123 /* { */) {
      i++;
      for (;;) {
        skipSpace();
        if (i >= n || text.charCodeAt(i) === 125) break;
        const keyStart = i;
        const key = readKey();
        skipSpace();
        if (text.charCodeAt(i) === 58) i++;
        scanValue(appendPath(path, key), keyStart);
        skipSpace();
        if (text.charCodeAt(i) === 44) i++;
      }
      i++;
    } else if (c === 91 /* [ */) {
      i++;
      for (let index = 0; ; index++) {
        skipSpace();
        if (i >= n || text.charCodeAt(i) === 93) break;
        scanValue(appendPath(path, index));
        skipSpace();
        if (text.charCodeAt(i) === 44) i++;
      }
      i++;
    } else if (c === 34 || c === 39) {
      skipString();
    } else {
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 44 || d === 93 || d === 125 || d === 47 || isSpace(d)) break;
        i++;
      }
    }
  };

  scanValue("");
  return positions;
}

/** Parses YAML and records where every value and key sits. Parse errors are returned, not thrown. */
export function parseYamlWithPositions(text: string): {
  value: unknown;
  positions: SourcePositions;
  errors: { message: string; line: number; column: number; hint?: string }[];
} {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true });
  const errors = doc.errors.map((e) => {
    // An error found in a line's indentation is about the key that follows it: point at that key.
    let offset = e.pos[0];
    while (offset < text.length && (text[offset] === " " || text[offset] === "\t")) offset++;
    const at = lineCounter.linePos(offset);
    const message = e.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
    const hint = unclosedFlow(message, text, offset, lineCounter) ?? yamlHint(e.code, text, offset);
    return { message, line: at.line, column: at.col, ...(hint === undefined ? {} : { hint }) };
  });
  const positions: SourcePositions = new Map();
  const at = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const visit = (node: unknown, path: string, keyOffset?: number): void => {
    const range = (node as Node | null)?.range;
    const here: SourcePosition | undefined = range
      ? at(range[0])
      : keyOffset !== undefined
        ? at(keyOffset)
        : undefined;
    if (here) {
      if (keyOffset !== undefined) here.key = at(keyOffset);
      positions.set(path, here);
    }
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const keyRange = (pair.key as Node | null)?.range;
        visit(pair.value, appendPath(path, key), keyRange?.[0]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        visit(item, appendPath(path, index));
      });
    }
  };
  visit(doc.contents, "");
  return { value: errors.length > 0 ? undefined : doc.toJS(), positions, errors };
}

/**
 * Positions of every value in a TOML text (smol-toml keeps none). Like `jsonPositions`, a scan over
 * text the parser has already accepted: table headers, `[[array]]` tables, dotted keys, inline
 * tables and arrays; a table header is the position of the table itself.
 */
export function tomlPositions(text: string): SourcePositions {
  const positions: SourcePositions = new Map();
  const lines = new LineIndex(text);
  const n = text.length;
  /** Index of the latest `[[x]]` table, by path. */
  const arrayTables = new Map<string, number>();
  let i = 0;

  const skipInline = (): void => {
    while (i < n && (text[i] === " " || text[i] === "\t")) i++;
  };
  const skipAll = (): void => {
    for (;;) {
      while (i < n && /\s/.test(text[i]!)) i++;
      if (text[i] !== "#") return;
      while (i < n && text[i] !== "\n") i++;
    }
  };
  const skipString = (): void => {
    const q = text[i]!;
    if (text.startsWith(q.repeat(3), i)) {
      const end = text.indexOf(q.repeat(3), i + 3);
      i = end < 0 ? n : end + 3;
      while (text[i] === q) i++; // up to two quotes may close a multi-line string's content
      return;
    }
    i++;
    while (i < n && text[i] !== q && text[i] !== "\n") i += q === '"' && text[i] === "\\" ? 2 : 1;
    i++;
  };
  const readKey = (): string[] => {
    const parts: string[] = [];
    for (;;) {
      skipInline();
      const start = i;
      if (text[i] === '"' || text[i] === "'") {
        skipString();
        const raw = text.slice(start, i);
        parts.push(raw.startsWith('"') ? (JSON.parse(raw) as string) : raw.slice(1, -1));
      } else {
        while (i < n && /[A-Za-z0-9_-]/.test(text[i]!)) i++;
        parts.push(text.slice(start, i));
      }
      skipInline();
      if (text[i] !== ".") return parts;
      i++;
    }
  };
  /** `a.b` under a path, stepping into the latest element of any `[[array]]` table on the way. */
  const resolve = (base: string, keys: string[]): string => {
    let path = base;
    for (const k of keys) {
      path = appendPath(path, k);
      const index = arrayTables.get(path);
      if (index !== undefined) path = appendPath(path, index);
    }
    return path;
  };
  const record = (path: string, at: number, keyAt?: number): void => {
    const here: SourcePosition = lines.at(at);
    if (keyAt !== undefined) here.key = lines.at(keyAt);
    positions.set(path, here);
  };
  const scanValue = (path: string, keyAt?: number): void => {
    skipInline();
    record(path, i, keyAt);
    const c = text[i];
    if (c === "[") {
      i++;
      for (let index = 0; ; index++) {
        skipAll();
        if (i >= n || text[i] === "]") break;
        scanValue(appendPath(path, index));
        skipAll();
        if (text[i] === ",") i++;
      }
      i++;
    } else if (c === "{") {
      i++;
      for (;;) {
        skipInline();
        if (i >= n || text[i] === "}") break;
        const keyStart = i;
        const keys = readKey();
        if (text[i] === "=") i++;
        scanValue(resolve(path, keys), keyStart);
        skipInline();
        if (text[i] === ",") i++;
      }
      i++;
    } else if (c === '"' || c === "'") skipString();
    else while (i < n && !/[,\]}#\n]/.test(text[i]!)) i++;
  };

  let table = "";
  for (;;) {
    skipAll();
    if (i >= n) break;
    const start = i;
    if (text[i] === "[") {
      const isArray = text[i + 1] === "[";
      i += isArray ? 2 : 1;
      const keys = readKey();
      i += isArray ? 2 : 1;
      if (isArray) {
        const parent = resolve("", keys.slice(0, -1));
        const arrayPath = appendPath(parent, keys[keys.length - 1]!);
        const index = (arrayTables.get(arrayPath) ?? -1) + 1;
        arrayTables.set(arrayPath, index);
        if (index === 0) record(arrayPath, start);
        table = appendPath(arrayPath, index);
      } else table = resolve("", keys);
      record(table, start);
    } else {
      const keys = readKey();
      if (text[i] === "=") i++;
      scanValue(resolve(table, keys), start);
    }
    // Whatever is left on the line is a comment or the tail of a value already placed.
    while (i < n && text[i] !== "\n") i++;
  }
  return positions;
}

/** What to do about a YAML syntax error, for the ones a hand-written config meets. */
function yamlHint(code: string, text: string, offset: number): string | undefined {
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  const key = /^[^\s:#]+/.exec(text.slice(offset))?.[0];
  switch (code) {
    case "BAD_INDENT":
      return `indent ${key === undefined ? "this line" : `"${key}"`} exactly as far as the keys beside it (now ${offset - lineStart} spaces)`;
    case "TAB_AS_INDENT":
      return "indent with spaces: YAML does not allow tabs";
    case "DUPLICATE_KEY":
      return `remove or rename the second ${key === undefined ? "key" : `"${key}"`}: a key appears once per mapping`;
    case "MISSING_CHAR":
      return "close the { or [ opened before (flow maps end with }, flow lists with ])";
    case "MULTILINE_IMPLICIT_KEY":
    case "BLOCK_AS_IMPLICIT_KEY":
      return "a key needs a colon and a space after it (`key: value`); quote values that contain `: `";
    case "UNEXPECTED_TOKEN":
      return "quote the value if it contains characters YAML reads as syntax (: # { } [ ] , & * ! | > ' \" % @)";
    default:
      return undefined;
  }
}

/** A `{` or `[` never closed: yaml reports it where the file ends; the fix is where it was opened. */
function unclosedFlow(message: string, text: string, offset: number, lines: LineCounter): string | undefined {
  const close = /end with an? ([}\]])/.exec(message)?.[1];
  if (close === undefined) return undefined;
  const open = close === "}" ? "{" : "[";
  const at = text.lastIndexOf(open, offset - 1);
  if (at < 0) return `close the flow collection with ${close}`;
  const { line, col } = lines.linePos(at);
  return `close the ${open} opened at line ${line}, column ${col} with ${close}`;
}
