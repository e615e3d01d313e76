/**
 * JSON parsing that keeps every digit of integers. `JSON.parse` rounds integers beyond 2^53
 * (`1234567890123456789` becomes `1234567890123456800`), so two snowflake ids can collapse into one key.
 * Here an integer literal that is not a safe integer becomes a JS bigint (exact at any size); every other
 * value is what `JSON.parse` gives.
 *
 * Speed: most bodies have no such literal. A skip-scan over the text (one character in sixteen) finds
 * every run of 16+ digits; only when one could be a number outside a string does the body take the exact
 * parser below, which is about three times slower than the native one. False positives (a long digit run
 * inside a string) only cost that speed, never correctness.
 */

/** Parses JSON text like `JSON.parse`, but integers that a double cannot hold exactly come back as bigint. */
export function parseJson(text: string): unknown {
  return mayHoldUnsafeInteger(text) ? parseJsonExact(text) : JSON.parse(text);
}

/**
 * True when `text` has a run of 16 or more digits that could be an integer literal: 15 digits always fit a
 * double exactly, so shorter runs never need the exact parser.
 */
export function mayHoldUnsafeInteger(text: string): boolean {
  const n = text.length;
  // Any run of 16 consecutive digits covers exactly one position i with i % 16 === 15.
  for (let i = 15; i < n; i += 16) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) continue;
    let start = i;
    while (start > 0 && isDigit(text.charCodeAt(start - 1))) start--;
    let end = i + 1;
    while (end < n && isDigit(text.charCodeAt(end))) end++;
    // A shorter run holds no other probe position, so the next probe starts fresh.
    if (end - start < 16) continue;
    let before = start - 1;
    if (before >= 0 && text.charCodeAt(before) === 45) before--;
    if (before < 0) return true;
    const p = text.charCodeAt(before);
    // A number literal follows a bracket, a colon, a comma or whitespace; a digit run after anything else
    // (a quote, a letter, a decimal point) is text or a fraction.
    if (p === 91 || p === 58 || p === 44 || p === 32 || p === 10 || p === 13 || p === 9) return true;
  }
  return false;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The exact parser: strict JSON grammar (throws SyntaxError as `JSON.parse` does), integers kept exact. */
export function parseJsonExact(text: string): unknown {
  const p = new ExactParser(text);
  p.skipWs();
  const value = p.value();
  p.skipWs();
  if (p.pos < text.length) p.fail("unexpected content after the JSON value");
  return value;
}

class ExactParser {
  pos = 0;
  constructor(private readonly text: string) {}

  fail(what: string): never {
    throw new SyntaxError(`${what} in JSON at position ${this.pos}`);
  }

  skipWs(): void {
    const t = this.text;
    let i = this.pos;
    for (;;) {
      const c = t.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else break;
    }
    this.pos = i;
  }

  value(): unknown {
    const c = this.text.charCodeAt(this.pos);
    if (c === 34) return this.string();
    if (c === 123) return this.object();
    if (c === 91) return this.array();
    if (c === 45 || (c >= 48 && c <= 57)) return this.number();
    if (c === 116) return this.literal("true", true);
    if (c === 102) return this.literal("false", false);
    if (c === 110) return this.literal("null", null);
    return this.fail(Number.isNaN(c) ? "unexpected end" : "unexpected token");
  }

  private literal<T>(word: string, v: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail("unexpected token");
    this.pos += word.length;
    return v;
  }

  private object(): Record<string, unknown> {
    const t = this.text;
    const out: Record<string, unknown> = {};
    this.pos++;
    this.skipWs();
    if (t.charCodeAt(this.pos) === 125) {
      this.pos++;
      return out;
    }
    for (;;) {
      if (t.charCodeAt(this.pos) !== 34) this.fail("expected a property name");
      const key = this.string();
      this.skipWs();
      if (t.charCodeAt(this.pos) !== 58) this.fail("expected ':'");
      this.pos++;
      this.skipWs();
      const v = this.value();
      // `JSON.parse` makes "__proto__" an own property; plain assignment would set the prototype.
      if (key === "__proto__")
        Object.defineProperty(out, key, { value: v, writable: true, enumerable: true, configurable: true });
      else out[key] = v;
      this.skipWs();
      const c = t.charCodeAt(this.pos);
      this.pos++;
      if (c === 44) {
        this.skipWs();
        continue;
      }
      if (c === 125) return out;
      this.pos--;
      this.fail("expected ',' or '}'");
    }
  }

  private array(): unknown[] {
    const t = this.text;
    const out: unknown[] = [];
    this.pos++;
    this.skipWs();
    if (t.charCodeAt(this.pos) === 93) {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.skipWs();
      const c = t.charCodeAt(this.pos);
      this.pos++;
      if (c === 44) {
        this.skipWs();
        continue;
      }
      if (c === 93) return out;
      this.pos--;
      this.fail("expected ',' or ']'");
    }
  }

  private string(): string {
    const t = this.text;
    const start = this.pos + 1;
    let i = start;
    for (;;) {
      const c = t.charCodeAt(i);
      if (c === 34) {
        this.pos = i + 1;
        return t.slice(start, i);
      }
      if (c === 92) break;
      if (c < 32 || Number.isNaN(c)) {
        this.pos = i;
        this.fail(Number.isNaN(c) ? "unterminated string" : "bad control character in string literal");
      }
      i++;
    }
    // Escapes: find the closing quote, then let the native parser decode (and validate) the literal.
    for (;;) {
      const c = t.charCodeAt(i);
      if (c === 34) break;
      if (Number.isNaN(c)) {
        this.pos = i;
        this.fail("unterminated string");
      }
      i += c === 92 ? 2 : 1;
    }
    this.pos = i + 1;
    return JSON.parse(t.slice(start - 1, i + 1)) as string;
  }

  private number(): number | bigint {
    const t = this.text;
    const start = this.pos;
    let i = start;
    if (t.charCodeAt(i) === 45) i++;
    const intStart = i;
    let c = t.charCodeAt(i);
    // Short integers (the common case: ids, counts) are summed as they are scanned, with no slice.
    let acc = 0;
    if (c === 48) i++;
    else if (c >= 49 && c <= 57) {
      do {
        acc = acc * 10 + (c - 48);
        c = t.charCodeAt(++i);
      } while (c >= 48 && c <= 57);
    } else {
      this.pos = i;
      this.fail("no number after minus sign");
    }
    const intDigits = i - intStart;
    c = t.charCodeAt(i);
    if (c !== 46 && c !== 101 && c !== 69 && intDigits < 16) {
      this.pos = i;
      return start === intStart ? acc : -acc;
    }
    let integral = true;
    if (c === 46) {
      integral = false;
      i++;
      if (!isDigit(t.charCodeAt(i))) {
        this.pos = i;
        this.fail("unterminated fractional number");
      }
      do i++;
      while (isDigit(t.charCodeAt(i)));
      c = t.charCodeAt(i);
    }
    if (c === 101 || c === 69) {
      integral = false;
      i++;
      c = t.charCodeAt(i);
      if (c === 43 || c === 45) i++;
      if (!isDigit(t.charCodeAt(i))) {
        this.pos = i;
        this.fail("exponent part is missing a number");
      }
      do i++;
      while (isDigit(t.charCodeAt(i)));
    }
    this.pos = i;
    const literal = t.slice(start, i);
    if (integral && intDigits >= 16) {
      const n = Number(literal);
      return Number.isSafeInteger(n) ? n : BigInt(literal);
    }
    return Number(literal);
  }
}
