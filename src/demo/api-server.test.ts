import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DemoApi, startDemoApi } from "./api-server.js";

describe("demo API", () => {
  let api: DemoApi;
  beforeAll(async () => {
    api = await startDemoApi({ throttleEvery: 0 });
  });
  afterAll(async () => api.close());

  const token = async (): Promise<string> => {
    const res = await fetch(`${api.url}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: api.credentials.client_id,
        client_secret: api.credentials.client_secret,
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; token_type: string; expires_in: number };
    expect(body.token_type).toBe("Bearer");
    expect(body.expires_in).toBe(3600);
    return body.access_token;
  };

  it("issues OAuth2 client-credentials tokens and refuses bad clients", async () => {
    const bad = await fetch(`${api.url}/token`, {
      method: "POST",
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: "x", client_secret: "y" }),
    });
    expect(bad.status).toBe(401);
    expect(await token()).toMatch(/^demo-at-/);
  });

  it("refuses data requests without a valid bearer", async () => {
    expect((await fetch(`${api.url}/v1/analytics`)).status).toBe(401);
    const res = await fetch(`${api.url}/v1/analytics`, { headers: { authorization: "Bearer nope" } });
    expect(res.status).toBe(401);
  });

  it("pages with limit/offset, deterministically, with nested objects and lists", async () => {
    const auth = { authorization: `Bearer ${await token()}` };
    const a = (await (
      await fetch(`${api.url}/v1/analytics?limit=3&offset=998`, { headers: auth })
    ).json()) as {
      data: Record<string, unknown>[];
      total: number;
    };
    expect(a.total).toBe(1000);
    expect(a.data.map((r) => r.analytics_id)).toEqual([100_999, 101_000]);
    const again = await (await fetch(`${api.url}/v1/analytics?limit=3&offset=998`, { headers: auth })).json();
    expect(again).toEqual(a);
    const first = a.data[0] as { user: { country: string }; session: { pages: unknown[] } };
    expect(typeof first.user.country).toBe("string");
    expect(Array.isArray(first.session.pages)).toBe(true);
  });

  it("serves seed 002 with page numbers and a static bearer token", async () => {
    const auth = { authorization: `Bearer ${api.credentials.api_token}` };
    const p5 = (await (
      await fetch(`${api.url}/v2/v1/resource?per_page=2&page=5`, { headers: auth })
    ).json()) as {
      items: { data: { id: number } }[];
    };
    expect(p5.items.map((i) => i.data.id)).toEqual([9]);
  });

  it("serves seed 004 with the API key in the query", async () => {
    expect((await fetch(`${api.url}/v1/resource`)).status).toBe(401);
    const body = (await (
      await fetch(`${api.url}/v1/resource?api_key=${api.credentials.api_key}&limit=100`)
    ).json()) as {
      data: unknown[];
      total: number;
    };
    expect(body.total).toBe(180);
    expect(body.data).toHaveLength(100);
  });
});

describe("demo API throttling", () => {
  it("answers every Nth data request with 429 and Retry-After", async () => {
    const api = await startDemoApi({ throttleEvery: 3 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const res = await fetch(`${api.url}/v1/resource?api_key=${api.credentials.api_key}`);
        statuses.push(res.status);
        if (res.status === 429) expect(res.headers.get("retry-after")).toBe("1");
        await res.arrayBuffer();
      }
      expect(statuses).toEqual([200, 200, 429, 200, 200, 429]);
      expect(api.stats.throttled).toBe(2);
    } finally {
      await api.close();
    }
  });
});
