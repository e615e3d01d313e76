import { promisify } from "node:util";
import zlib from "node:zlib";
import type { Dispatcher } from "undici";

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const inflateRaw = promisify(zlib.inflateRaw);
const brotli = promisify(zlib.brotliDecompress);

async function collect(body: Dispatcher.ResponseData["body"]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

/**
 * The response body as text, decoded per `Content-Encoding` (gzip, deflate — zlib or raw —, br).
 * Uncompressed bodies take undici's own text path, the fastest there is.
 */
export async function readBodyText(res: Dispatcher.ResponseData): Promise<string> {
  const raw = res.headers["content-encoding"];
  const encoding = (Array.isArray(raw) ? raw.join(",") : (raw ?? "")).trim().toLowerCase();
  if (encoding === "" || encoding === "identity") return res.body.text();
  let buf = await collect(res.body);
  // Encodings apply in order, so they are undone in reverse.
  for (const enc of encoding
    .split(",")
    .map((e) => e.trim())
    .reverse()) {
    if (enc === "gzip" || enc === "x-gzip") buf = await gunzip(buf);
    else if (enc === "br") buf = await brotli(buf);
    else if (enc === "deflate") buf = await inflate(buf).catch(() => inflateRaw(buf));
    else if (enc !== "identity" && enc !== "") throw new Error(`unsupported Content-Encoding "${enc}"`);
  }
  return buf.toString("utf8");
}
