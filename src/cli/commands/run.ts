import type { GlobalOptions } from "../global-options.js";
import type { CliIO } from "../io.js";

export async function runCommand(
  _config: string,
  _opts: Record<string, unknown>,
  _g: GlobalOptions,
  _io: CliIO,
): Promise<number> {
  throw new Error("run: not wired yet");
}
