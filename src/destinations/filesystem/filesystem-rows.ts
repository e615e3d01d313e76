import { SluiceError } from "../../core/errors.js";
import { parseJson } from "../../core/json-parse.js";
import { readNdjsonLines } from "../../core/ndjson-files.js";

/** Rows of NDJSON load package files, parsed a chunk of lines at a time (memory stays bounded). */
export async function* ndjsonRows(files: readonly string[]): AsyncGenerator<Record<string, unknown>> {
  for (const file of files) {
    let lineNo = 0;
    for await (const lines of readNdjsonLines(file)) {
      for (const line of lines) {
        lineNo++;
        let row: Record<string, unknown>;
        try {
          // Exact: a JSON column may hold an integer beyond 2^53, written as its digits.
          row = parseJson(line) as Record<string, unknown>;
        } catch (err) {
          throw new SluiceError(`Load package file ${file} row ${lineNo} is not valid JSON`, {
            code: "PACKAGE_CORRUPT",
            hint: "The load package is damaged; drop the pending package and rerun.",
            cause: err,
          });
        }
        yield row;
      }
    }
  }
}
