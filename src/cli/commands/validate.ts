import type { GlobalOptions } from "../global-options.js";
import type { CliIO } from "../io.js";

export async function validateCommand(_config: string, _g: GlobalOptions, _io: CliIO): Promise<number> {
  throw new Error("validate: not wired yet");
}
