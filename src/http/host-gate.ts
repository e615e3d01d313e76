import { quotaPauseMs } from "./quota-headers.js";
import type { HttpResponse } from "./types.js";

/** A steady request budget for one host: `requests_per_second` on average, `burst` at once after a quiet spell. */
export interface RateBudget {
  requests_per_second: number;
  /** Requests that may start back to back after an idle spell; default 1 (evenly spaced). */
  burst?: number;
}

export interface GateClock {
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface HostGateOptions {
  /** The in-flight ceiling (`client.max_in_flight_per_host`). */
  maxInFlight: number;
  budget?: RateBudget;
  /** Follow quota headers and 429s (default true): false leaves only the in-flight ceiling. */
  adaptive?: boolean;
  clock: GateClock;
}

/** A ticket for one request through the gate: pass it back to `leave`. */
export interface GateTicket {
  /** The window's generation when the request went out: a 429 answering an older one does not shrink it again. */
  readonly generation: number;
}

/**
 * Everything that decides when the next request to one host may go out, in one place, shared by every
 * resource and page of a client: the in-flight window, the host-wide pause that quota headers and
 * 429s set, and the configured rate budget.
 *
 * The window adapts as TCP's congestion window does (additive increase, multiplicative decrease): a
 * 429 halves it, at most once per round of requests, and every `window` answers that are not 429 let
 * it grow by one again, up to the ceiling. So a parallel default cannot turn into a 429 storm, and a
 * run that was slowed recovers its speed once the API accepts it.
 */
export class HostGate {
  private window: number;
  private active = 0;
  private readonly queue: Array<() => void> = [];
  private pausedUntil = 0;
  private generation = 0;
  private acceptedSinceChange = 0;
  private tokens: number;
  private refilledAt: number;
  readonly maxInFlight: number;
  private readonly budget: Required<RateBudget> | undefined;
  private readonly adaptive: boolean;
  private readonly clock: GateClock;
  /** 429s seen, and how often the window shrank: for metrics and tests. */
  throttled = 0;
  shrinks = 0;

  constructor(options: HostGateOptions) {
    if (!(options.maxInFlight >= 1))
      throw new RangeError(`maxInFlight must be >= 1, got ${options.maxInFlight}`);
    this.maxInFlight = options.maxInFlight;
    this.window = options.maxInFlight;
    this.adaptive = options.adaptive ?? true;
    this.clock = options.clock;
    const b = options.budget;
    this.budget = b
      ? { requests_per_second: b.requests_per_second, burst: Math.max(1, b.burst ?? 1) }
      : undefined;
    this.tokens = this.budget?.burst ?? 0;
    this.refilledAt = this.clock.now();
  }

  /** Requests this host may have in flight right now. */
  get limit(): number {
    return this.window;
  }

  get inFlight(): number {
    return this.active;
  }

  /** Milliseconds every new request to this host must still wait (0 when none). */
  pauseLeft(): number {
    return Math.max(0, this.pausedUntil - this.clock.now());
  }

  /**
   * Waits for a place in the window, then for the host's pause, then for the budget. The place is
   * held while waiting for the pause: a request that queued must still see a pause set meanwhile.
   */
  async enter(signal?: AbortSignal): Promise<GateTicket> {
    if (this.active < this.window && this.queue.length === 0) this.active++;
    else await new Promise<void>((resolve) => this.queue.push(resolve));
    try {
      // Once more only if the pause was pushed out while sleeping (a later 429 or spent quota).
      for (let until = this.pausedUntil, left = this.pauseLeft(); left > 0; ) {
        await this.clock.sleep(left, signal);
        if (this.pausedUntil <= until) break;
        until = this.pausedUntil;
        left = this.pauseLeft();
      }
      const wait = this.reserveToken();
      if (wait > 0) await this.clock.sleep(wait, signal);
    } catch (err) {
      this.leave();
      throw err;
    }
    return { generation: this.generation };
  }

  /** A request's place is free again (after its response, or its failure). */
  leave(): void {
    this.active--;
    this.admit();
  }

  /** What a response says about the host: quota headers pause it, a 429 shrinks the window. */
  observe(ticket: GateTicket, status: number, headers: HttpResponse["headers"]): void {
    if (!this.adaptive) return;
    const pause = quotaPauseMs(status, headers, this.clock.now());
    if (pause !== undefined) this.pause(pause);
    if (status === 429) {
      this.throttled++;
      if (ticket.generation === this.generation) {
        this.window = Math.max(1, Math.floor(this.window / 2));
        this.generation++;
        this.acceptedSinceChange = 0;
        this.shrinks++;
      }
      return;
    }
    if (this.window < this.maxInFlight && ++this.acceptedSinceChange >= this.window) {
      this.window++;
      this.acceptedSinceChange = 0;
      this.admit();
    }
  }

  /** Holds every new request to this host for `ms` (a retry's backoff after a 429, a spent quota). */
  pause(ms: number): void {
    if (!this.adaptive || !(ms > 0)) return;
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
  }

  private admit(): void {
    while (this.queue.length > 0 && this.active < this.window) {
      this.active++;
      this.queue.shift()!();
    }
  }

  /**
   * Takes one token, going into debt when there is none: the debt is the wait, so queued requests are
   * spaced exactly 1/rate apart however many wait at once. Milliseconds to wait (0 to go now).
   */
  private reserveToken(): number {
    const b = this.budget;
    if (!b) return 0;
    const now = this.clock.now();
    this.tokens = Math.min(b.burst, this.tokens + ((now - this.refilledAt) * b.requests_per_second) / 1000);
    this.refilledAt = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens * 1000) / b.requests_per_second;
  }
}
