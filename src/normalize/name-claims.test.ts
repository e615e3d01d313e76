import { describe, expect, it } from "vitest";
import { resolveName } from "./name-claims.js";

describe("resolveName", () => {
  const claims = { a_b: '["aB"]', a_b_1: '["a_b"]', constructor: '["constructor"]' };

  it("gives an identity the name it owns, else the first free name, and records nothing", () => {
    expect(resolveName(claims, "a_b", '["aB"]', 63)).toBe("a_b");
    expect(resolveName(claims, "a_b", '["a_b"]', 63)).toBe("a_b_1");
    expect(resolveName(claims, "a_b", '["A_B"]', 63)).toBe("a_b_2");
    expect(resolveName(claims, "x", '["x"]', 63)).toBe("x");
    expect(Object.keys(claims)).toEqual(["a_b", "a_b_1", "constructor"]);
  });

  it("reads only own claims and fits suffixed names to the limit", () => {
    expect(resolveName({}, "toString", '["toString"]', 63)).toBe("toString");
    const long = "x".repeat(10);
    const name = resolveName({ [long]: '["other"]' }, long, '["mine"]', 10);
    expect(name.length).toBeLessThanOrEqual(10);
    expect(name).not.toBe(long);
  });
});
