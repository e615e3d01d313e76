// Record and replay: every HTTP exchange of a run kept in a cassette file, and a run answered from one.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { SluiceError } from "../../core/errors.js";
import type { TransportLayer } from "../transport.js";
import type { AuthConfig, HttpTimers } from "../types.js";
import { cassettePath, readCassette, writeCassette } from "./cassette-file.js";
import { CassetteRecorder } from "./recorder.js";
import { CassetteReplayer, describe } from "./replayer.js";
import { declareAuth, defaultScrubRules, type ScrubRules } from "./scrub.js";

export type { CassetteExchange, CassetteFile, RecordedResponse } from "./cassette-file.js";
export { cassettePath } from "./cassette-file.js";
export { SECRET_TEMPLATE } from "./scrub.js";

export interface CassetteOptions {
  mode: "record" | "replay";
  /** The cassette directory; the file is `<pipeline>.cassette.json` in it. */
  dir: string;
  pipeline: string;
  /** Replay: fail when a recorded exchange went unused. */
  strict?: boolean;
  /** Record: overwrite an existing cassette. */
  update?: boolean;
}

/** One run's cassette: what the source hands its HTTP client, and what the run calls when it ends. */
export interface CassetteSession {
  readonly mode: "record" | "replay";
  readonly path: string;
  /** Wraps (record) or replaces (replay) the client's network transport. */
  readonly transport: TransportLayer;
  /** Replay: a clock whose sleeps pass at once, so recorded retries and Retry-After cost no time. */
  readonly timers: Partial<HttpTimers> | undefined;
  /** Tells the scrubber where an auth config puts its secrets. */
  declareAuth(auth: AuthConfig | undefined): void;
  /** Record: writes the cassette. Replay with `strict`: fails when an exchange went unused. */
  finish(): void;
}

/** A clock that moves by what it sleeps: waits are skipped, and what they meant (token expiry) still holds. */
function skippingTimers(): Partial<HttpTimers> {
  let skipped = 0;
  return {
    now: () => Date.now() + skipped,
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      skipped += ms;
    },
  };
}

export function openCassette(options: CassetteOptions): CassetteSession {
  const dir = resolve(options.dir);
  const path = cassettePath(dir, options.pipeline);
  const rules: ScrubRules = defaultScrubRules();
  if (options.mode === "record") {
    if (existsSync(path) && options.update !== true)
      throw new SluiceError(`a cassette already exists at ${path}`, {
        code: "CASSETTE_EXISTS",
        hint: "add --update to record it again (it is overwritten), or record into another directory",
      });
    const recorder = new CassetteRecorder(rules);
    const started = new Date();
    return {
      mode: "record",
      path,
      transport: recorder.layer,
      timers: undefined,
      declareAuth: (auth) => declareAuth(rules, auth),
      finish: () => writeCassette(path, recorder.cassette(options.pipeline, started)),
    };
  }
  const replayer = new CassetteReplayer(readCassette(path, dir), path, rules);
  return {
    mode: "replay",
    path,
    transport: replayer.layer,
    timers: skippingTimers(),
    declareAuth: (auth) => declareAuth(rules, auth),
    finish: () => {
      if (options.strict !== true) return;
      const unused = replayer.unused();
      if (unused.length === 0) return;
      const shown = unused.slice(0, 5).map((e) => `  - ${describe(e)} → ${e.response.status}`);
      if (unused.length > 5) shown.push(`  - … and ${unused.length - 5} more`);
      throw new SluiceError(
        `replay --strict: ${unused.length} recorded exchange${unused.length === 1 ? "" : "s"} went unused in ${path}:\n${shown.join("\n")}`,
        {
          code: "CASSETTE_UNUSED",
          hint: "the run made fewer requests than were recorded (a resource, page or retry less): record the cassette again with --record <dir> --update, or replay without --strict",
        },
      );
    },
  };
}
