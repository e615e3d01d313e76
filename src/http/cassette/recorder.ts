import type { HttpTransport, TransportLayer, TransportRequest, TransportResponse } from "../transport.js";
import type { CassetteExchange, CassetteFile, RecordedResponse } from "./cassette-file.js";
import { describeRequest, tryJson } from "./request-key.js";
import { type ScrubRules, scrubJson, scrubResponseHeaders, scrubText, scrubTokenResponse } from "./scrub.js";

interface Taken {
  request: TransportRequest;
  response: TransportResponse;
}

/**
 * Records every exchange that goes through the network transport. Exchanges are kept as sent and
 * scrubbed only when the cassette is written: by then every secret of the run is registered,
 * including access tokens that arrived after the first requests.
 */
export class CassetteRecorder {
  private readonly taken: Taken[] = [];

  constructor(private readonly rules: ScrubRules) {}

  readonly layer: TransportLayer = (network: HttpTransport): HttpTransport => ({
    send: async (request, limits) => {
      const response = await network.send(request, limits);
      // The signal is the run's, not part of the exchange.
      const { signal: _signal, ...kept } = request;
      this.taken.push({ request: kept, response });
      return response;
    },
  });

  /**
   * The cassette of what was recorded: token requests first, then by resource and page, the attempts of
   * one page in the order sent (planned pages arrive in any order; a stable file diffs well).
   */
  cassette(pipeline: string, recordedAt: Date): CassetteFile {
    const exchanges = this.taken.map((t) => this.exchange(t));
    const order = (e: CassetteExchange) => e.resource ?? "";
    const sorted = exchanges
      .map((e, i) => ({ e, i }))
      .sort((a, b) => {
        const ra = order(a.e);
        const rb = order(b.e);
        if (ra !== rb) return ra < rb ? -1 : 1;
        return (a.e.page ?? -1) - (b.e.page ?? -1) || a.i - b.i;
      })
      .map(({ e }) => e);
    return { version: 1, pipeline, recorded_at: recordedAt.toISOString(), exchanges: sorted };
  }

  private exchange({ request, response }: Taken): CassetteExchange {
    const keyed = describeRequest(request, this.rules);
    const recorded: RecordedResponse = {
      status: response.status,
      headers: scrubResponseHeaders(response.headers),
    };
    const parsed = response.text === "" ? { ok: false as const } : tryJson(response.text);
    if (parsed.ok)
      recorded.json =
        request.context.kind === "token"
          ? scrubTokenResponse(parsed.value, this.rules)
          : scrubJson(parsed.value);
    else recorded.text = scrubText(response.text);
    return { ...keyed, response: recorded };
  }
}
