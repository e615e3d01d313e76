import { CommanderError } from "commander";
import { EXIT } from "./exit-codes.js";
import { type CliIO, processIO } from "./io.js";
import { buildProgram } from "./program.js";
import { reportError } from "./report-error.js";

/**
 * Entry of the `sluice` command (`bin/sluice.js` calls it with `process.argv.slice(2)`). Returns the
 * exit code instead of exiting, so tests and the demo can run commands in-process.
 */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  let code: number = EXIT.ok;
  const verbose = argv.includes("--verbose");
  const format = argv.some(
    (a, i) => a === "--log-format=json" || (a === "--log-format" && argv[i + 1] === "json"),
  )
    ? "json"
    : "text";
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv, { from: "user" });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are not failures; everything else commander rejects is a usage error.
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.exitCode === 0)
        return EXIT.ok;
      if (err.code === "commander.help") return EXIT.ok;
      return EXIT.usage;
    }
    return reportError(err, io.stderr, verbose, format);
  }
}
