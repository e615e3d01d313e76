import { createInterface } from "node:readline/promises";

/** Where a command reads and writes: the process by default, buffers or redirected streams in tests and the demo. */
export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** True when stderr is a terminal: live progress lines instead of log lines. */
  isTTY: boolean;
  /** Asks a yes/no question, where someone can answer it (stdin and stderr are a terminal). */
  confirm?: (question: string) => Promise<boolean>;
}

export function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    isTTY: Boolean(process.stderr.isTTY) && process.env.CI !== "true",
    ...(process.stdin.isTTY && process.stderr.isTTY ? { confirm: askOnTerminal } : {}),
  };
}

async function askOnTerminal(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
