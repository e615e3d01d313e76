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
  for (const seg of segments) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (IDENTIFIER.test(seg)) out += out === "" ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
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

/**
 * Positions of every value in a JSON or JSON5 text. A scan, not a parser: it runs after JSON5 has
 * accepted the text, so it only has to find where each value starts, skipping comments and strings.
 */
export function jsonPositions(text: string): SourcePositions {
  const positions: SourcePositions = new Map();
  const lines = new LineIndex(text);
  let i = 0;

  const skipSpace = (): void => {
    while (i < text.length) {
      const c = text[i]!;
      if (c === "/" && text[i + 1] === "/") {
        while (i < text.length && text[i] !== "\n") i++;
      } else if (c === "/" && text[i + 1] === "*") {
        const end = text.indexOf("*/", i + 2);
        i = end < 0 ? text.length : end + 2;
      } else if (/\s/.test(c) || c === "\uFEFF") i++;
      else return;
    }
  };

  const skipString = (): string => {
    const start = i;
    const quote = text[i];
    i++;
    while (i < text.length && text[i] !== quote) i += text[i] === "\\" ? 2 : 1;
    i++;
    return text.slice(start, i);
  };

  const readKey = (): string => {
    const c = text[i];
    if (c === '"' || c === "'") {
      const raw = skipString();
      try {
        return JSON5.parse<string>(raw);
      } catch {
        return raw.slice(1, -1);
      }
    }
    const start = i;
    while (i < text.length && !/[\s:/]/.test(text[i]!)) i++;
    return text.slice(start, i);
  };

  const scanValue = (path: PathSegment[], keyAt?: number): void => {
    skipSpace();
    const here: SourcePosition = lines.at(i);
    if (keyAt !== undefined) here.key = lines.at(keyAt);
    positions.set(formatPath(path), here);
    const c = text[i];
    if (c === "{") {
      i++;
      for (;;) {
        skipSpace();
        if (i >= text.length || text[i] === "}") break;
        const keyStart = i;
        const key = readKey();
        skipSpace();
        if (text[i] === ":") i++;
        scanValue([...path, key], keyStart);
        skipSpace();
        if (text[i] === ",") i++;
      }
      i++;
    } else if (c === "[") {
      i++;
      for (let index = 0; ; index++) {
        skipSpace();
        if (i >= text.length || text[i] === "]") break;
        scanValue([...path, index]);
        skipSpace();
        if (text[i] === ",") i++;
      }
      i++;
    } else if (c === '"' || c === "'") {
      skipString();
    } else {
      while (i < text.length && !/[\s,\]}/]/.test(text[i]!)) i++;
    }
  };

  scanValue([]);
  return positions;
}

/** Parses YAML and records where every value and key sits. Parse errors are returned, not thrown. */
export function parseYamlWithPositions(text: string): {
  value: unknown;
  positions: SourcePositions;
  errors: { message: string; line: number; column: number }[];
} {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true });
  const errors = doc.errors.map((e) => {
    const at = lineCounter.linePos(e.pos[0]);
    const message = e.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
    return { message, line: at.line, column: at.col };
  });
  const positions: SourcePositions = new Map();
  const at = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const visit = (node: unknown, path: PathSegment[], keyOffset?: number): void => {
    const range = (node as Node | null)?.range;
    const here: SourcePosition | undefined = range
      ? at(range[0])
      : keyOffset !== undefined
        ? at(keyOffset)
        : undefined;
    if (here) {
      if (keyOffset !== undefined) here.key = at(keyOffset);
      positions.set(formatPath(path), here);
    }
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const keyRange = (pair.key as Node | null)?.range;
        visit(pair.value, [...path, key], keyRange?.[0]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        visit(item, [...path, index]);
      });
    }
  };
  visit(doc.contents, []);
  return { value: errors.length > 0 ? undefined : doc.toJS(), positions, errors };
}
