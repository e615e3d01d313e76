/** Exit codes of the `sluice` command (documented in docs/cli.md). */
export const EXIT = {
  /** Everything worked. */
  ok: 0,
  /** The run (or the check a command was asked to do) failed: HTTP, destination, invalid config in `validate`. */
  failure: 1,
  /** The command could not start: bad flags, unreadable or invalid config, missing secrets. */
  usage: 2,
  /** Stopped by Ctrl-C (SIGINT): 128 + 2, as shells report it. */
  interrupted: 130,
  /** Stopped by SIGTERM: 128 + 15. */
  terminated: 143,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
