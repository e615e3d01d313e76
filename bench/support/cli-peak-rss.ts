// `sluice` as a user runs it, reporting the process's peak RSS at exit to the file named by
// SLUICE_BENCH_RSS_FILE (the bench reads it: a child's peak memory is not visible from outside once it ends).
import { writeFileSync } from "node:fs";
import { processIO } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";

const out = process.env["SLUICE_BENCH_RSS_FILE"];
process.on("exit", () => {
  if (out) writeFileSync(out, String(process.resourceUsage().maxRSS * 1024));
});
process.exitCode = await main(process.argv.slice(2), processIO());
