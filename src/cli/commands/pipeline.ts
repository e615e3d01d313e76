import type { GlobalOptions } from "../global-options.js";
import type { CliIO } from "../io.js";

export async function pipelineCommand(
  _name: string,
  _action: string,
  _targets: string[],
  _opts: Record<string, unknown>,
  _g: GlobalOptions,
  _io: CliIO,
): Promise<number> {
  throw new Error("pipeline: not wired yet");
}
