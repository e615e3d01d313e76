import { describe, expect, it } from "vitest";
import { parseJson } from "../../core/json-parse.js";
import type { DataType } from "../../schema/types.js";
import { copyLineBuilder } from "./postgres-copy-format.js";
import { ndjsonCopyTranscoder } from "./postgres-ndjson-copy.js";

const TYPES: DataType[] = ["bigint", "double", "bool", "text", "timestamp", "date", "json", "decimal"];
const NUL = String.fromCharCode(0);
const STRINGS = [
  "",
  "plain",
  'quo"te',
  "back\\slash",
  "tab\tnew\nline\rcr",
  "\\N",
  `nul${NUL}byte`,
  "ünï 😀 \u2028",
  "\b\f",
  "}{,:[]",
  "2024-01-01T00:00:00.123456+02:00",
];

/** A small deterministic PRNG so a failure reproduces. */
function rng(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

function randomValue(r: () => number, depth = 0): unknown {
  const k = Math.floor(r() * (depth > 1 ? 6 : 8));
  switch (k) {
    case 0:
      return null;
    case 1:
      return Math.floor(r() * 2e9) - 1e9;
    case 2:
      return (r() - 0.5) * 1e6;
    case 3:
      return r() < 0.5;
    case 4:
    case 5:
      return STRINGS[Math.floor(r() * STRINGS.length)];
    case 6:
      return { a: randomValue(r, depth + 1), 'k"ey': randomValue(r, depth + 1) };
    default:
      return [randomValue(r, depth + 1), randomValue(r, depth + 1)];
  }
}

describe("NDJSON → COPY transcoder", () => {
  it("produces exactly what parsing the row and formatting it produces, for random rows", () => {
    const r = rng(42);
    for (let round = 0; round < 300; round++) {
      const columns = TYPES.map((t, i) => ({ name: i === 3 ? 'we"ird\\name' : `c${i}_${t}`, data_type: t }));
      const reference = copyLineBuilder(columns);
      const fast = ndjsonCopyTranscoder(columns);
      for (let j = 0; j < 20; j++) {
        const row: Record<string, unknown> = {};
        for (const c of columns) if (r() < 0.8) row[c.name] = randomValue(r);
        row.unknown_extra = randomValue(r);
        const line = JSON.stringify(row);
        expect(fast(line)).toBe(reference(JSON.parse(line) as Record<string, unknown>));
      }
    }
  });

  it("turns integral-looking numbers into integer text for bigint columns", () => {
    const t = ndjsonCopyTranscoder([{ name: "n", data_type: "bigint" }]);
    expect(t('{"n":1e3}')).toBe("1000\n");
    expect(t('{"n":-5}')).toBe("-5\n");
  });

  it("accepts whitespace between tokens and rejects invalid JSON", () => {
    const t = ndjsonCopyTranscoder([
      { name: "a", data_type: "text" },
      { name: "b", data_type: "bool" },
    ]);
    expect(t(' { "a" : "x" , "b" : true } ')).toBe("x\tt\n");
    expect(t("{}")).toBe("\\N\t\\N\n");
    expect(() => t('{"a": "x"')).toThrow();
  });
});

describe("NDJSON → COPY with integers beyond 2^53", () => {
  it("copies every digit, in number, text and json columns, on the fast and the reference path", () => {
    const columns = [
      { name: "b", data_type: "bigint" as const },
      { name: "d", data_type: "decimal" as const },
      { name: "t", data_type: "text" as const },
      { name: "j", data_type: "json" as const },
    ];
    const transcode = ndjsonCopyTranscoder(columns);
    const expected =
      '1234567890123456789\t12345678901234567890\t12345678901234567891\t{"x":[1234567890123456791]}\n';
    const line =
      '{"b":1234567890123456789,"d":12345678901234567890,"t":12345678901234567891,"j":{"x":[1234567890123456791]}}';
    expect(transcode(line)).toBe(expected);
    // The fallback and reference path: the row parsed exactly, then each value formatted.
    expect(copyLineBuilder(columns)(parseJson(line) as Record<string, unknown>)).toBe(expected);
  });
});
