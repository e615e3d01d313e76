// Seed 004: an API key sent in the query string, offset paging. A TypeScript config: the default export
// is a source; `secrets.api_key` is resolved at run time and never printed. Runs without a build step
// (`sluice run examples/resources.ts`). Run against the demo API: see examples/README.md.
import { restApiSource, secrets } from "sluice";

export default restApiSource({
  client: {
    base_url: process.env.DEMO_API_URL ?? "http://127.0.0.1:8787",
    auth: {
      type: "api_key",
      name: "api_key",
      // `!` only because this repo type-checks with noUncheckedIndexedAccess; a lookup is never undefined.
      api_key: secrets.api_key!,
      location: "query",
    },
  },
  resource_defaults: {
    primary_key: "id",
    write_disposition: "merge",
  },
  resources: [
    {
      name: "resource_name",
      endpoint: {
        path: "/v1/resource",
        data_selector: "data",
        paginator: {
          type: "offset",
          limit: 100,
        },
      },
    },
  ],
});
