import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { SluiceError } from "../../core/errors.js";

/** Rows of NDJSON load package files, one parsed object at a time (memory stays bounded). */
export async function* ndjsonRows(files: readonly string[]): AsyncGenerator<Record<string, unknown>> {
  for (const file of files) {
    const lines = createInterface({
      input: createReadStream(file, { encoding: "utf8" }),
      crlfDelay: Infinity,
    });
    let lineNo = 0;
    for await (const line of lines) {
      lineNo++;
      if (line.length === 0) continue;
      try {
        yield JSON.parse(line) as Record<string, unknown>;
      } catch (err) {
        throw new SluiceError(`Load package file ${file} line ${lineNo} is not valid JSON`, {
          code: "PACKAGE_CORRUPT",
          hint: "The load package is damaged; drop the pending package and rerun.",
          cause: err,
        });
      }
    }
  }
}
