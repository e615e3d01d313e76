import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JsonObject } from "../../src/core/json.js";
import type { Resource } from "../../src/core/resource.js";
import type { RestApiConfigInput } from "../../src/sources/rest_api/config-types.js";
import { restApiSource } from "../../src/sources/rest_api/source.js";
import { readAll, type SourceServer, sourceContext, startSourceServer } from "../support/source-server.js";

/**
 * dlt runs processing_steps before the incremental step (steps have placement affinity 0, the
 * Incremental wrapper 1), so cursor_path reads the mapped records, and a record a filter drops neither
 * loads nor moves the cursor. Checked against dlt with the same configs on a loopback API.
 */

const posts = Array.from({ length: 10 }, (_, i) => ({
  id: i + 1,
  updated_at: `2024-01-${String(i + 1).padStart(2, "0")}`,
}));

let server: SourceServer;
beforeAll(async () => {
  server = await startSourceServer(() => ({ body: posts }));
});
afterAll(async () => {
  await server.close();
});

async function read(resource: RestApiConfigInput["resources"][number], state: JsonObject = {}) {
  const source = restApiSource({ client: { base_url: server.url }, resources: [resource] });
  try {
    return await readAll(source.resources[0] as Resource, sourceContext(state));
  } finally {
    await source.close();
  }
}

describe("processing_steps run before the incremental cursor is read (as dlt)", () => {
  it("reads cursor_path on the mapped record", async () => {
    const rows = await read({
      name: "posts",
      processing_steps: [{ map: (r) => ({ id: r.id, ts: r.updated_at }) }],
      endpoint: {
        path: "posts",
        paginator: "single_page",
        incremental: { cursor_path: "ts", initial_value: "2024-01-05" },
      },
    });
    expect(rows.map((r) => r.id)).toEqual([5, 6, 7, 8, 9, 10]);
  });

  it("a record a filter drops does not move the cursor", async () => {
    const state: JsonObject = {};
    const rows = await read(
      {
        name: "posts",
        processing_steps: [{ filter: (r) => (r.id as number) < 5 }],
        endpoint: {
          path: "posts",
          paginator: "single_page",
          incremental: { cursor_path: "updated_at", initial_value: "2024-01-01" },
        },
      },
      state,
    );
    expect(rows.map((r) => r.id)).toEqual([1, 2, 3, 4]);
    const slot = (state.incremental as JsonObject).updated_at as JsonObject;
    expect(slot.last_value).toBe("2024-01-04");
  });
});
