import { brotliCompressSync, constants, deflateRawSync, deflateSync, gzipSync } from "node:zlib";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ResponseTooLarge, readBodyText } from "../../src/http/body.js";
import { startHttpServer, type TestServer } from "../support/http-server.js";

const TEXT = JSON.stringify({
  data: Array.from({ length: 2000 }, (_, i) => ({ id: i, pad: "x".repeat(20) })),
});
const SIZE = Buffer.byteLength(TEXT);
const ENCODINGS: Record<string, (b: Buffer) => Buffer> = {
  gzip: (b) => gzipSync(b),
  deflate: (b) => deflateSync(b),
  // Servers that send raw deflate under "deflate" exist; both are accepted.
  "deflate-raw": (b) => deflateRawSync(b),
  br: (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } }),
};

let server: TestServer;
beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    const enc = new URL(req.url).searchParams.get("enc") ?? "identity";
    if (enc === "chunked") {
      res.writeHead(200, { "content-type": "application/json" });
      res.write(TEXT.slice(0, 1000));
      res.end(TEXT.slice(1000));
      return;
    }
    const raw = Buffer.from(TEXT);
    const body = enc === "identity" ? raw : ENCODINGS[enc]!(raw);
    res.writeHead(200, {
      "content-type": "application/json",
      "content-length": String(body.length),
      ...(enc === "identity" ? {} : { "content-encoding": enc === "deflate-raw" ? "deflate" : enc }),
    });
    res.end(body);
  });
});
afterAll(() => server.close());

async function read(enc: string, limit: number): Promise<string> {
  const res = await request(`${server.url}/?enc=${enc}`);
  return readBodyText(res, limit);
}

describe("readBodyText and the size bound", () => {
  for (const enc of ["identity", "chunked", ...Object.keys(ENCODINGS)]) {
    it(`${enc}: the whole body within the limit, ResponseTooLarge one byte under it`, async () => {
      expect(await read(enc, SIZE)).toBe(TEXT);
      const err = await read(enc, SIZE - 1).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ResponseTooLarge);
      const stage = enc === "identity" || enc === "chunked" ? "sent" : "decompressed";
      expect((err as ResponseTooLarge).stage).toBe(stage);
    });
  }
});
