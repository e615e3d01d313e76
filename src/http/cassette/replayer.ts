import { SluiceError } from "../../core/errors.js";
import { maskUrl } from "../../core/redact.js";
import type { HttpTransport, TransportLayer, TransportRequest, TransportResponse } from "../transport.js";
import { type CassetteExchange, type CassetteFile, responseText } from "./cassette-file.js";
import { nearestRequest } from "./nearest.js";
import { describeRequest, type ExchangeRequest, requestKey } from "./request-key.js";
import type { ScrubRules } from "./scrub.js";

interface Answers {
  exchanges: CassetteExchange[];
  /** How many were served; past the last, the last is served again. */
  served: number;
}

/**
 * Answers every request from a cassette and never touches the network. Exchanges with one key (the
 * attempts of one request: a 429, then the rows) are served in recorded order, so retries replay as
 * they happened; one asked for more often than recorded gets its last answer again.
 */
export class CassetteReplayer {
  private readonly answers = new Map<string, Answers>();

  constructor(
    private readonly file: CassetteFile,
    private readonly path: string,
    private readonly rules: ScrubRules,
  ) {
    for (const e of file.exchanges) {
      const key = requestKey(e);
      let a = this.answers.get(key);
      if (!a) {
        a = { exchanges: [], served: 0 };
        this.answers.set(key, a);
      }
      a.exchanges.push(e);
    }
  }

  readonly layer: TransportLayer = (): HttpTransport => ({
    send: async (request) => this.answer(request),
  });

  private answer(request: TransportRequest): TransportResponse {
    request.signal?.throwIfAborted();
    const sent = describeRequest(request, this.rules);
    const a = this.answers.get(requestKey(sent));
    if (!a) throw this.noMatch(request, sent);
    const e = a.exchanges[Math.min(a.served, a.exchanges.length - 1)]!;
    a.served++;
    return { status: e.response.status, headers: { ...e.response.headers }, text: responseText(e.response) };
  }

  /** Recorded exchanges no request asked for: with --strict, a replay that skipped them fails. */
  unused(): CassetteExchange[] {
    const out: CassetteExchange[] = [];
    for (const a of this.answers.values()) out.push(...a.exchanges.slice(a.served));
    return out;
  }

  private noMatch(request: TransportRequest, sent: ExchangeRequest): SluiceError {
    const where =
      sent.resource === null
        ? request.context.kind === "token"
          ? "OAuth2 token request"
          : "request"
        : `resource "${sent.resource}" page ${sent.page}`;
    const nearest = nearestRequest(sent, this.file.exchanges);
    const near = nearest
      ? `; nearest recorded: ${describe(nearest.candidate)} (differs in ${nearest.differences.join("; ") || "nothing but its order"})`
      : "; the cassette has no exchanges";
    return new SluiceError(
      `replay: no recorded answer for ${where}: ${request.method} ${maskUrl(request.url)} in ${this.path}${near}`,
      {
        code: "CASSETTE_NO_MATCH",
        hint: "the config (or what it sends) changed since the cassette was recorded: record it again with `sluice run <config> --record <dir> --update`",
      },
    );
  }
}

/** A recorded request in one line: who asked, and method and URL with the query, masked. */
export function describe(e: ExchangeRequest): string {
  const who = e.resource === null ? "token request" : `resource "${e.resource}" page ${e.page}`;
  // Unencoded, so templates read as written in the cassette.
  const q = e.request.query.map(([k, v]) => `${k}=${v}`).join("&");
  return `${who}: ${e.request.method} ${maskUrl(q === "" ? e.request.url : `${e.request.url}?${q}`)}`;
}
