import { describe, expect, it } from "vitest";
import { closest, editDistance, suggestionHint } from "./suggest.js";

describe("suggestions", () => {
  it("counts a swapped pair as one edit", () => {
    expect(editDistance("ofset", "offset")).toBe(1);
    expect(editDistance("ofsfet", "offset")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
  });

  it("suggests near names only, ignoring case and dashes", () => {
    expect(closest("ofset", ["offset", "cursor"])).toBe("offset");
    expect(closest("get", ["GET", "POST"])).toBe("GET");
    expect(closest("api-key", ["api_key", "bearer"])).toBe("api_key");
    expect(closest("start", ["start_value", "end_value"])).toBe("start_value");
    expect(closest("merj", ["append", "replace", "merge"])).toBe("merge");
    expect(closest("xyz", ["offset", "cursor"])).toBeUndefined();
    expect(closest("auto", ["bearer", "api_key"])).toBeUndefined();
  });

  it("falls back to the allowed list", () => {
    expect(suggestionHint("ofset", ["offset"])).toBe('did you mean "offset"?');
    expect(suggestionHint("zz", ["a", "b"])).toBe("allowed: a, b");
  });
});
