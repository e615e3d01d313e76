import { promisify } from "node:util";
import zlib from "node:zlib";
import type { Dispatcher } from "undici";

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const inflateRaw = promisify(zlib.inflateRaw);
const brotli = promisify(zlib.brotliDecompress);

/**
 * Default bound on one response body, in bytes after decompression: 128 MiB. Far above any API page
 * (a 1,000-record page is well under a few MB; whole-table dumps rarely pass tens of MB), while its text
 * and parsed objects (several times the text) still fit Node's default heap with a few responses in
 * flight at once; a quarter of the longest string V8 can hold.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 128 * 1024 * 1024;

/** A body passed the size bound; the client turns it into an HttpError naming the URL. */
export class ResponseTooLarge extends Error {
  /** The answer's status, set by the transport that read the headers. */
  status: number | undefined;
  constructor(
    readonly limit: number,
    /** Which bytes passed it: as sent, or once decompressed. */
    readonly stage: "sent" | "decompressed",
  ) {
    super(`response body larger than ${limit} bytes (${stage})`);
    this.name = "ResponseTooLarge";
  }
}

/** Reads the raw body, giving up (and closing the stream) as soon as it passes `limit` bytes. */
async function collect(body: Dispatcher.ResponseData["body"], limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) {
      body.destroy();
      throw new ResponseTooLarge(limit, "sent");
    }
    chunks.push(buf);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

/**
 * zlib stops inflating once its output passes `maxOutputLength` (it works chunk by chunk), so a gzip
 * bomb costs at most the limit in memory, never its full expansion.
 */
async function decode(enc: string, buf: Buffer, limit: number): Promise<Buffer> {
  const opts = { maxOutputLength: limit };
  try {
    if (enc === "gzip" || enc === "x-gzip") return await gunzip(buf, opts);
    if (enc === "br") return await brotli(buf, opts);
    if (enc === "deflate") {
      try {
        return await inflate(buf, opts);
      } catch (err) {
        if (isTooLarge(err)) throw err;
        return await inflateRaw(buf, opts);
      }
    }
  } catch (err) {
    if (isTooLarge(err)) throw new ResponseTooLarge(limit, "decompressed");
    throw err;
  }
  if (enc === "identity" || enc === "") return buf;
  throw new Error(`unsupported Content-Encoding "${enc}"`);
}

function isTooLarge(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === "ERR_BUFFER_TOO_LARGE";
}

/**
 * The response body as text, decoded per `Content-Encoding` (gzip, deflate — zlib or raw —, br), at
 * most `limit` bytes before and after decoding (ResponseTooLarge beyond). An uncompressed body whose
 * Content-Length is within the limit takes undici's own text path, the fastest there is.
 */
export async function readBodyText(
  res: Dispatcher.ResponseData,
  limit: number = DEFAULT_MAX_RESPONSE_BYTES,
): Promise<string> {
  const declared = Number(res.headers["content-length"]);
  if (declared > limit) {
    res.body.destroy();
    throw new ResponseTooLarge(limit, "sent");
  }
  const raw = res.headers["content-encoding"];
  const encoding = (Array.isArray(raw) ? raw.join(",") : (raw ?? "")).trim().toLowerCase();
  const plain = encoding === "" || encoding === "identity";
  // A declared length is enforced by undici (a longer body is a protocol error), so only a body
  // without one needs counting.
  if (plain && declared >= 0) return res.body.text();
  let buf = await collect(res.body, limit);
  if (plain) return buf.toString("utf8");
  // Encodings apply in order, so they are undone in reverse.
  for (const enc of encoding
    .split(",")
    .map((e) => e.trim())
    .reverse()) {
    buf = await decode(enc, buf, limit);
  }
  return buf.toString("utf8");
}
