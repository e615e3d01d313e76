import { describe, expect, it } from "vitest";
import { z } from "zod";
import "./paginators/builtins.js";
import { PAGINATORS, type PaginatorRegistration } from "./paginators/registry.js";
import { SinglePagePaginator } from "./paginators/single-page.js";
import { TypeRegistry } from "./registry.js";

const registration = (type: string): PaginatorRegistration => ({
  schema: z.object({ type: z.literal(type) }),
  create: () => new SinglePagePaginator(),
});

describe("TypeRegistry", () => {
  it("is one registry per kind in the process: a second copy of sluice registers into the first's", () => {
    const copy = new TypeRegistry<PaginatorRegistration>("paginator");
    // The copy's own built-ins find the first copy's registered: skipped, not refused.
    const offset = registration("offset");
    copy.register("offset", offset);
    copy.sealBuiltins();
    expect(PAGINATORS.resolve("offset")).not.toBe(offset);
    const mine = registration("from_a_copy");
    copy.register("from_a_copy", mine);
    expect(PAGINATORS.resolve("from_a_copy")).toBe(mine);
    expect(() => copy.register("offset", offset)).toThrow(/built in and cannot be replaced/);
  });

  it("a type registered again replaces its earlier registration (a config module loaded twice)", () => {
    const first = registration("twice");
    const second = registration("twice");
    PAGINATORS.register("twice", first);
    PAGINATORS.register("twice", second);
    expect(PAGINATORS.resolve("twice")).toBe(second);
  });

  it("an unknown type names the registered ones and how to add it", () => {
    expect(() => PAGINATORS.resolve("nope")).toThrow(
      expect.objectContaining({
        code: "PAGINATOR_INVALID",
        message: 'unknown paginator type "nope"',
        hint: expect.stringMatching(/^use one of single_page, offset, .*, or add it with registerPaginator$/),
      }),
    );
  });
});
