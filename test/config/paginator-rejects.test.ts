import { describe, expect, it } from "vitest";
import { useConfigVerdicts } from "../support/config-verdicts.js";

/**
 * Paginator settings dlt's REST client refuses when it builds the paginator (verified against dlt 1.x,
 * `dlt/sources/helpers/rest_client/paginators.py`): `sluice validate` names the paginator's path, and
 * `sluice run` refuses the same config with the same message before its first request.
 */
describe("paginator settings dlt refuses are refused before the first request", () => {
  const { api, refused, accepted } = useConfigVerdicts("paginator-rejects");

  const withPaginator = (paginator: Record<string, unknown>) => ({
    resources: [{ name: "items", endpoint: { path: "items", method: "POST", paginator } }],
  });

  /** validate fails (1), run refuses (2), the API saw no request; returns validate's issue lines. */

  const at = "- resources[0].endpoint.paginator: ";

  describe("a value sent in two places, or under an empty name", () => {
    it.each([
      [{ type: "offset", limit: 1, offset_param: "o", offset_body_path: "o" }, "offset"],
      [{ type: "offset", limit: 1, limit_param: "l", limit_body_path: "l" }, "limit"],
      [{ type: "page_number", page_param: "p", page_body_path: "p" }, "page"],
      [{ type: "cursor", cursor_param: "c", cursor_body_path: "c" }, "cursor"],
    ])("refuses %j", async (paginator, kind) => {
      const lines = await refused(withPaginator(paginator));
      expect(lines).toEqual([
        `${at}${kind}_param and ${kind}_body_path are both set (dlt: "Either '${kind}_param' or '${kind}_body_path' must be provided, not both.") (keep one: ${kind}_param sends the value as a query parameter, ${kind}_body_path puts it in the JSON body)`,
      ]);
    });

    it.each([
      [{ type: "offset", limit: 1, offset_param: "" }, "offset"],
      [{ type: "offset", limit: 1, limit_param: "" }, "limit"],
      [{ type: "page_number", page_param: "" }, "page"],
    ])("refuses the empty name in %j", async (paginator, kind) => {
      const lines = await refused(withPaginator(paginator));
      expect(lines).toEqual([
        `${at}${kind}_param is empty (dlt: "Either '${kind}_param' or '${kind}_body_path' must be provided, not both.") (name the query parameter, e.g. "${kind}", or remove ${kind}_param for that default)`,
      ]);
    });

    it("names the client's paginator when the endpoint inherits it", async () => {
      const lines = await refused({
        client: { base_url: api.url, paginator: { type: "page_number", page_param: "" } },
        resources: ["items"],
      });
      expect(lines).toEqual([expect.stringMatching(/^- client\.paginator: page_param is empty/)]);
    });

    it("accepts one of the two, as dlt", async () => {
      await accepted(
        withPaginator({ type: "offset", limit: 1, offset_body_path: "o", limit_body_path: "l" }),
      );
      await accepted(withPaginator({ type: "page_number", page_body_path: "p" }));
      await accepted(withPaginator({ type: "cursor", cursor_body_path: "c" }));
    });
  });

  describe("a range paginator with nothing to end it", () => {
    it.each([
      [{ type: "offset", limit: 10, total_path: null, stop_after_empty_page: false }, "maximum_offset"],
      [{ type: "page_number", total_path: null, stop_after_empty_page: false }, "maximum_page"],
    ])("refuses %j", async (paginator, maximum) => {
      const lines = await refused(withPaginator(paginator));
      expect(lines).toEqual([
        `${at}nothing ends this paginator: total_path is null, stop_after_empty_page is false, and neither ${maximum} nor has_more_path is set (dlt: "One of \`total_path\`, \`${maximum}\`, \`has_more_path\`, or \`stop_after_empty_page\` must be provided.") (set one of them, e.g. stop_after_empty_page: true (the default) or ${maximum})`,
      ]);
    });

    it("accepts it with any one of the four, as dlt", async () => {
      const base = { type: "page_number", total_path: null, stop_after_empty_page: false };
      await accepted(withPaginator({ ...base, maximum_page: 5 }));
      await accepted(withPaginator({ ...base, has_more_path: "more" }));
      await accepted(withPaginator({ ...base, total_path: "total" }));
      await accepted(withPaginator({ ...base, stop_after_empty_page: true }));
    });
  });
});
