import type { GlobalOptions } from "../global-options.js";
import type { CliIO } from "../io.js";

export async function schemaCommand(
  _name: string,
  _opts: Record<string, unknown>,
  _g: GlobalOptions,
  _io: CliIO,
): Promise<number> {
  throw new Error("schema: not wired yet");
}
