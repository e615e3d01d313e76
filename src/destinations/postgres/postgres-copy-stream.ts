import { createReadStream } from "node:fs";
import type { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import type pg from "pg";
import copyStreams from "pg-copy-streams";
import { SluiceError } from "../../core/errors.js";
import type { DataType } from "../../schema/types.js";
import { quoteIdent } from "../sql/sql-dialect.js";
import { ndjsonCopyTranscoder } from "./postgres-ndjson-copy.js";

/** Bytes of COPY text buffered before a write: big enough to amortize stream overhead, small for memory. */
const FLUSH_BYTES = 256 * 1024;

export interface CopyColumn {
  name: string;
  data_type: DataType;
}

/**
 * Streams NDJSON files into `target` (an already-quoted table reference) with one `COPY … FROM STDIN`.
 * Memory stays bounded: files are read in chunks and the COPY stream's backpressure is honoured.
 * Returns the number of rows sent.
 */
export async function copyNdjsonFiles(
  client: pg.Client,
  target: string,
  columns: ReadonlyArray<CopyColumn>,
  files: readonly string[],
): Promise<number> {
  const columnList = columns.map((c) => quoteIdent(c.name)).join(", ");
  const copy = client.query(copyStreams.from(`COPY ${target} (${columnList}) FROM STDIN`));
  const toLine = ndjsonCopyTranscoder(columns);
  let rows = 0;
  let failed: unknown;
  copy.on("error", (err) => {
    failed = err;
  });
  try {
    for (const file of files) {
      rows += await pumpFile(file, copy, toLine);
      if (failed !== undefined) break;
    }
  } catch (err) {
    copy.destroy(err instanceof Error ? err : new Error(String(err)));
    await finished(copy).catch(() => {});
    throw err;
  }
  if (failed === undefined) copy.end();
  await finished(copy).catch((err: unknown) => {
    failed ??= err;
  });
  if (failed !== undefined) throw failed;
  return rows;
}

async function pumpFile(file: string, out: Writable, toLine: (line: string) => string): Promise<number> {
  let rows = 0;
  let rest = "";
  let buf = "";
  let lineNo = 0;
  const write = async (chunk: string) => {
    if (!out.write(chunk)) await waitDrain(out);
  };
  const convert = (line: string) => {
    lineNo++;
    if (line.length === 0) return;
    try {
      buf += toLine(line);
    } catch (err) {
      throw new SluiceError(`Load package file ${file} line ${lineNo} is not valid JSON`, {
        code: "PACKAGE_CORRUPT",
        hint: "The load package is damaged; drop the pending package (sluice pipeline <name> drop) and rerun.",
        cause: err,
      });
    }
    rows++;
  };
  for await (const chunk of createReadStream(file, { encoding: "utf8", highWaterMark: 1 << 20 })) {
    const text = rest + (chunk as string);
    let start = 0;
    let nl = text.indexOf("\n", start);
    while (nl !== -1) {
      convert(text.slice(start, nl));
      start = nl + 1;
      nl = text.indexOf("\n", start);
    }
    rest = text.slice(start);
    if (buf.length >= FLUSH_BYTES) {
      await write(buf);
      buf = "";
    }
  }
  if (rest.length > 0) convert(rest);
  if (buf.length > 0) await write(buf);
  return rows;
}

function waitDrain(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      out.off("error", onError);
      resolve();
    };
    const onError = (err: Error) => {
      out.off("drain", onDrain);
      reject(err);
    };
    out.once("drain", onDrain);
    out.once("error", onError);
  });
}
