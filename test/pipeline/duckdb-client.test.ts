import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/core/logger.js";
import { resource } from "../../src/core/resource.js";
import { resolveDestination } from "../../src/destinations/registry.js";
import { type PipelineSandbox, pipelineSandbox } from "../support/pipeline-helpers.js";

let sb: PipelineSandbox;
beforeEach(() => {
  sb = pipelineSandbox();
});
afterEach(() => sb.cleanup());

describe("DuckDB destination client", () => {
  it("answers inspection calls and the exactly-once check", async () => {
    const p = sb.make();
    const info = await p.run(resource("items", [{ id: 1, tags: ["a"] }, { id: 2 }]));
    const client = await p.destinationClient();
    try {
      expect(await client.isLoaded(info.loadIds[0]!)).toBe(true);
      expect(await client.isLoaded("nope")).toBe(false);
      expect(await client.rowCounts(["items", "items__tags", "missing"])).toEqual({
        items: 2,
        items__tags: 1,
        missing: 0,
      });
      const loads = await client.listLoads(10);
      expect(loads.map((l) => l.load_id)).toEqual(info.loadIds);
      expect(loads[0]?.schema_name).toBe("test");
      const sample = await client.sampleRows("items", 1);
      expect(sample).toHaveLength(1);
      expect(typeof sample[0]?.["id"]).toBe("number");
      const restored = await client.restore();
      expect(restored?.state.pipeline_name).toBe("test");
      expect(Object.keys(restored?.schema.tables ?? {})).toEqual(
        expect.arrayContaining(["items", "items__tags"]),
      );
    } finally {
      await client.close();
    }
  });

  it("restores nothing from an empty dataset", async () => {
    const client = await sb.make("empty").destinationClient();
    try {
      expect(await client.restore()).toBeNull();
      expect(await client.listLoads(5)).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it("resolves destinations by name and URL, and names the known ones for an unknown one", () => {
    expect(resolveDestination("duckdb").name).toBe("duckdb");
    const fromUrl = resolveDestination(`duckdb://${sb.dir}/x.duckdb`);
    expect(
      fromUrl.describeLocation({
        pipelineName: "p",
        datasetName: "d",
        workingDir: sb.dir,
        logger: silentLogger,
      }),
    ).toContain(`${sb.dir}/x.duckdb`);
    expect(() => resolveDestination("nosuchdb")).toThrow(/Unknown destination "nosuchdb"/);
  });
});
