import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { restApiSource } from "../../src/sources/rest_api/index.js";
import { type PipelineSandbox, pipelineSandbox } from "../support/pipeline-helpers.js";
import { type SourceServer, startSourceServer } from "../support/source-server.js";

/**
 * JSON Schema column hints: `type` says what a present value is, `required` whether it must be there
 * (defect 6 of issue 10). A record that merely omits a typed, optional field loads with NULL.
 */
describe("JSON Schema nullability", () => {
  let api: SourceServer;
  let sb: PipelineSandbox;
  beforeAll(async () => {
    api = await startSourceServer(() => ({
      body: { data: [{ id: 1, name: "Acme", score: 3 }, { id: 2 }, { id: 3, name: null }] },
    }));
  });
  afterAll(async () => {
    await api.close();
  });
  beforeEach(() => {
    sb = pipelineSandbox("sluice-nullable-");
  });
  afterEach(() => sb.cleanup());

  it("a typed field not in `required` (here: no `required` at all, as the seeds write it) may be absent or null", async () => {
    const source = restApiSource({
      client: { base_url: api.url },
      resources: [
        {
          name: "accounts",
          endpoint: { path: "/accounts", data_selector: "data", paginator: "single_page" },
          primary_key: "id",
          columns: {
            type: "object",
            properties: { id: { type: "integer" }, name: { type: "string" }, score: { type: "integer" } },
          },
        },
      ],
    });
    await sb.make("nullable").run(source);
    expect(await sb.query('SELECT id, name, score FROM $ds."accounts" ORDER BY id')).toEqual([
      { id: 1, name: "Acme", score: 3 },
      { id: 2, name: null, score: null },
      { id: 3, name: null, score: null },
    ]);
    const cols = await sb.query(
      `SELECT column_name, is_nullable FROM information_schema.columns
       WHERE table_schema = 'nullable_dataset' AND table_name = 'accounts' AND column_name IN ('id', 'name')
       ORDER BY column_name`,
    );
    expect(cols).toEqual([
      { column_name: "id", is_nullable: "NO" },
      { column_name: "name", is_nullable: "YES" },
    ]);
  });

  it("a field in `required` still refuses a record without it", async () => {
    const source = restApiSource({
      client: { base_url: api.url },
      resources: [
        {
          name: "accounts",
          endpoint: { path: "/accounts", data_selector: "data", paginator: "single_page" },
          columns: {
            type: "object",
            required: ["id", "name"],
            properties: { id: { type: "integer" }, name: { type: "string" } },
          },
        },
      ],
    });
    await expect(sb.make("strict").run(source)).rejects.toThrow(/name/);
  });
});
