import { setTimeout as delay } from "node:timers/promises";
import { Agent } from "undici";
import { SluiceError } from "../core/errors.js";
import { parseJson } from "../core/json-parse.js";
import { type Logger, silentLogger } from "../core/logger.js";
import { recordToJson } from "../core/record-json.js";
import { maskUrl, SENSITIVE_NAME } from "../core/redact.js";
import { type Authenticator, createAuthenticator, type TokenFetcher } from "./auth/index.js";
import { DEFAULT_MAX_RESPONSE_BYTES, ResponseTooLarge } from "./body.js";
import { HttpError } from "./errors.js";
import { firstValue } from "./headers.js";
import { HostGate } from "./host-gate.js";
import { type RetryRules, requestRules, tokenRequestRules } from "./next-step.js";
import { createPaginator } from "./paginators/index.js";
import { PageGuard } from "./paginators/page-guard.js";
import type { PagePlan } from "./paginators/paginator.js";
import { cloneRequest, type PreparedRequest, prepareRequest } from "./request.js";
import { matchResponseAction } from "./response-actions.js";
import { mergeRetryPolicy, networkErrorCode } from "./retry.js";
import { retrying } from "./retry-loop.js";
import { compileSelector, detectRecordPath, type RecordSelector } from "./selector.js";
import { type Attempted, settle } from "./settle.js";
import { type ExchangeContext, type HttpTransport, undiciTransport } from "./transport.js";
import type {
  AuthConfig,
  ClientOptions,
  HttpMethod,
  HttpResponse,
  HttpTimers,
  Page,
  PageInfo,
  PaginateOptions,
  ParamValue,
  RequestSpec,
  ResponseAction,
  ResponseInfo,
  RetryPolicy,
} from "./types.js";
import { originOf, withParams } from "./url.js";

const DEFAULT_CONNECT_TIMEOUT_S = 10;
const DEFAULT_READ_TIMEOUT_S = 60;
const DEFAULT_MAX_IN_FLIGHT = 8;
/** Pages of one pagination in flight once it can plan them, when the caller says nothing: as many as a host allows. */
export const DEFAULT_PAGE_CONCURRENCY = DEFAULT_MAX_IN_FLIGHT;
const DEFAULT_MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export const DEFAULT_TIMERS: HttpTimers = {
  sleep: (ms, signal) => delay(ms, undefined, signal ? { signal } : undefined),
  now: () => Date.now(),
  random: () => Math.random(),
};

interface CallContext {
  rules: RetryRules;
  auth: Authenticator | undefined;
  /** The only origin credentials are sent to. */
  trustedOrigin: string;
  resource: string | undefined;
  actions: ResponseAction[] | undefined;
  signal: AbortSignal | undefined;
  onRetry: PaginateOptions["onRetry"];
  onResponse: PaginateOptions["onResponse"];
  onPage: PaginateOptions["onPage"];
  variables: PaginateOptions["variables"];
}

/** What one logical request has been through so far: attempts, and waits not yet reported. */
interface Tally {
  attempt: number;
  waitMs: number;
}

/** Pages planned ahead (`PagePlan`) and what fetching them needs from the pagination that planned them. */
interface PlannedRun {
  /** The request the plan's values are written into, a copy per page. */
  template: PreparedRequest;
  plan: PagePlan;
  select: RecordSelector;
  ctx: CallContext;
  /** Index of the first planned page in the pagination. */
  firstIndex: number;
  /** Pages in flight at once. */
  concurrency: number;
  log: Logger;
  /** The pagination's repeated-page guard: planned pages are checked against the pages before them. */
  guard: PageGuard;
  /** Planned pages passed over before the first one fetched, and the most fetched (a page window). */
  skip: number;
  take: number;
}

interface SentResponse {
  response: HttpResponse;
  /** The Authorization header the request carried, if auth was applied: to tell a stale token after a 401. */
  sentAuthorization: string | undefined;
  authenticated: boolean;
}

function lowerCaseKeys(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers) for (const k in headers) out[k.toLowerCase()] = headers[k]!;
  return out;
}

function encodeBody(req: PreparedRequest, headers: Record<string, string>): string | undefined {
  if (req.json !== undefined) {
    headers["content-type"] ??= "application/json";
    return recordToJson(req.json);
  }
  // As requests: an empty form or string is no body at all, so no Content-Type either.
  if (req.data === undefined || req.data === "") return undefined;
  if (typeof req.data === "string") return req.data;
  const form = new URLSearchParams(req.data);
  if (form.size === 0) return undefined;
  headers["content-type"] ??= "application/x-www-form-urlencoded";
  return form.toString();
}

/**
 * The HTTP layer's client: one instance per source, shared by all its concurrent requests. Keeps a
 * keep-alive connection pool, per-host in-flight limits, the auth state (one OAuth2 token for all),
 * and the proactive rate limiter.
 */
export class RestClient {
  readonly baseUrl: string;
  /** Credentials go to this origin only. */
  readonly origin: string;
  private readonly agent: Agent;
  private readonly transport: HttpTransport;
  private readonly auth: Authenticator | undefined;
  private readonly endpointAuths = new WeakMap<AuthConfig, Authenticator>();
  private readonly gates = new Map<string, HostGate>();
  private readonly maxInFlight: number;
  private readonly rateLimit: ClientOptions["rate_limit"];
  private readonly maxRedirects: number;
  private readonly maxResponseBytes: number;
  private readonly defaultHeaders: Record<string, string>;
  private readonly retry: Partial<RetryPolicy> | undefined;
  private readonly logger: Logger;
  private readonly timers: HttpTimers;

  constructor(options: ClientOptions) {
    this.baseUrl = options.base_url;
    this.origin = originOf(options.base_url);
    this.timers = { ...DEFAULT_TIMERS, ...options.timers };
    this.logger = options.logger ?? silentLogger;
    this.retry = options.retry;
    this.maxInFlight = options.max_in_flight_per_host ?? DEFAULT_MAX_IN_FLIGHT;
    this.maxRedirects = options.max_redirects ?? DEFAULT_MAX_REDIRECTS;
    this.maxResponseBytes = options.max_response_bytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    const readMs = (options.read_timeout ?? DEFAULT_READ_TIMEOUT_S) * 1000;
    this.agent = new Agent({
      connectTimeout: (options.connect_timeout ?? DEFAULT_CONNECT_TIMEOUT_S) * 1000,
      headersTimeout: readMs,
      bodyTimeout: readMs,
      keepAliveTimeout: 30_000,
    });
    const network = undiciTransport(this.agent);
    this.transport = options.transport ? options.transport(network) : network;
    this.defaultHeaders = {
      accept: "application/json",
      "accept-encoding": "gzip, deflate, br",
      "user-agent": "sluice",
      ...lowerCaseKeys(options.headers),
    };
    this.auth = options.auth ? this.makeAuth(options.auth) : undefined;
    this.rateLimit = options.rate_limit;
  }

  /** Fetches planned pages with up to `concurrency` in flight, yielding them in order. */
  private async *fetchPlanned(run: PlannedRun): AsyncGenerator<Page> {
    const { template, plan, select, ctx, concurrency, log, guard } = run;
    const firstIndex = run.firstIndex + run.skip;
    const inflight: Array<Promise<HttpResponse>> = [];
    let exhausted = false;
    let launched = 0;
    for (let i = 0; i < run.skip && !plan.values.next().done; i++);
    const launch = () => {
      const value = launched < run.take ? plan.values.next() : { done: true as const };
      if (value.done) {
        exhausted = true;
        return;
      }
      const req = cloneRequest(template);
      plan.write(req, value.value);
      const p = this.execute(req, ctx, firstIndex + launched++);
      // Results we stop waiting for (after an empty page or an error) must not surface as unhandled.
      p.catch(() => undefined);
      inflight.push(p);
    };
    while (!exhausted && inflight.length < concurrency) launch();
    for (let i = 0; inflight.length > 0; i++) {
      const response = await inflight.shift()!;
      if (!exhausted) launch();
      if (response.ignored) return;
      const records = select(response.body);
      const repeated = guard.repeated(records, firstIndex + i + 1);
      if (repeated) {
        warnStopped(log, ctx.resource, firstIndex + i + 1, repeated, response.url);
        return;
      }
      const emptyStop = records.length === 0 && plan.stopsOnEmptyPage;
      ctx.onPage?.(
        pageInfo(
          response,
          firstIndex + i,
          records.length,
          emptyStop
            ? "stop: empty page before the total was reached"
            : inflight.length === 0
              ? `stop: last page of total ${plan.total}`
              : `planned pages go on (${inflight.length} in flight)`,
          plan.pages === undefined ? undefined : firstIndex + plan.pages,
        ),
      );
      yield { records, response, index: firstIndex + i };
      if (emptyStop) {
        log.debug("pagination ends: empty page before the total was reached", { pages: firstIndex + i + 1 });
        return;
      }
    }
  }

  private lastUrl = "";
  private lastOrigin = "";

  /** Origin of a URL; pages of one pagination share their URL, so the last parse is reused. */
  private originOf(url: string): string {
    if (url !== this.lastUrl) {
      this.lastUrl = url;
      this.lastOrigin = originOf(url);
    }
    return this.lastOrigin;
  }

  /** The gate every request to `origin` passes: in-flight window, pauses, rate budget. */
  hostGate(origin: string): HostGate {
    let gate = this.gates.get(origin);
    if (!gate) {
      const limit = this.rateLimit;
      gate = new HostGate({
        maxInFlight: this.maxInFlight,
        adaptive: limit !== false,
        ...(typeof limit === "object" ? { budget: limit } : {}),
        clock: this.timers,
      });
      this.gates.set(origin, gate);
    }
    return gate;
  }

  /** One logical request: auth, retries, response actions. Resolves with the parsed JSON body. */
  async request(spec: RequestSpec, opts: PaginateOptions = {}): Promise<HttpResponse> {
    const req = prepareRequest(this.baseUrl, spec);
    return this.execute(req, this.context(opts, req));
  }

  /** Every page of an endpoint, records selected, until a stop condition of the paginator holds. */
  async *paginate(spec: RequestSpec, opts: PaginateOptions = {}): AsyncGenerator<Page> {
    const req = prepareRequest(this.baseUrl, spec);
    const ctx = this.context(opts, req);
    // The run's logger when the caller has one: a source built without a logger still warns the user.
    const base = opts.logger ?? this.logger;
    const log = opts.resource ? base.child({ resource: opts.resource }) : base;
    const paginator = createPaginator(opts.paginator, (type, reason) =>
      log.info(`paginator detected: ${type}`, { reason }),
    );
    const maxPages =
      opts.paginator && "maximum_pages" in opts.paginator ? opts.paginator.maximum_pages : undefined;
    let select: RecordSelector | undefined =
      opts.data_selector !== undefined ? compileSelector(opts.data_selector) : undefined;
    const guard = new PageGuard();
    const window = opts.window;
    const windowEnd = window?.to ?? Number.POSITIVE_INFINITY;
    paginator.init(req);
    for (let index = 0; ; index++) {
      const response = await this.execute(req, ctx, index);
      if (response.ignored) {
        log.debug("response ignored by a response action: pagination ends", {
          url: maskUrl(response.url),
          status: response.status,
        });
        return;
      }
      if (!select) {
        const path = detectRecordPath(response.body);
        log.info(`data_selector detected: ${path}`);
        select = compileSelector(path);
      }
      const records = select(response.body);
      const inWindow = window === undefined || (index >= window.from && index < windowEnd);
      // Before the records are used: a page repeating an earlier one must not be loaded twice.
      const repeated = guard.repeated(records, index + 1);
      if (repeated) {
        warnStopped(log, ctx.resource, index + 1, repeated, response.url);
        return;
      }
      paginator.update(response, records);
      // The paginator's decision is made before the page is handed on, so a preview or a trace can show
      // it with the page; nothing of it is acted on until the consumer asks for the next page.
      const endless = paginator.hasNext ? guard.endlessEmpty() : undefined;
      const lastAllowed = maxPages !== undefined && index + 1 >= maxPages;
      const windowDone = index + 1 >= windowEnd;
      const goesOn = paginator.hasNext && !endless && !lastAllowed;
      const concurrency = opts.page_concurrency ?? 1;
      const plan =
        goesOn && (concurrency > 1 || window !== undefined)
          ? paginator.planRemaining?.(
              maxPages !== undefined ? maxPages - index - 1 : Number.POSITIVE_INFINITY,
            )
          : undefined;
      if (goesOn && !plan) paginator.next(req);
      if (ctx.onPage) {
        const next = !paginator.hasNext
          ? `stop: ${paginator.warning ?? paginator.stopReason ?? "done"}`
          : endless
            ? `stop: ${endless}`
            : lastAllowed
              ? "stop: maximum_pages reached"
              : plan
                ? `the remaining pages up to total ${plan.total}, ${concurrency} at a time`
                : `${req.method} ${maskUrl(withParams(req.url, req.params))}`;
        const expected = plan?.pages === undefined ? undefined : index + 1 + plan.pages;
        ctx.onPage(pageInfo(response, index, records.length, next, expected));
      }
      if (inWindow) yield { records, response, index };
      if (goesOn && windowDone) return;
      if (!paginator.hasNext) {
        if (paginator.warning) {
          warnStopped(
            log,
            ctx.resource,
            index + 1,
            `${paginator.warning}; this page's records were loaded, no further page is requested`,
            response.url,
          );
        } else log.debug(`pagination ends: ${paginator.stopReason ?? "done"}`, { pages: index + 1 });
        return;
      }
      if (endless) {
        warnStopped(log, ctx.resource, index + 1, endless, response.url);
        return;
      }
      if (lastAllowed) {
        log.debug("pagination ends: maximum_pages reached", { pages: index + 1 });
        return;
      }
      if (plan) {
        log.debug(`fetching the remaining pages up to total ${plan.total}, ${concurrency} at a time`);
        yield* this.fetchPlanned({
          template: req,
          plan,
          select,
          ctx,
          firstIndex: index + 1,
          concurrency,
          log,
          guard,
          skip: window === undefined ? 0 : Math.max(0, window.from - index - 1),
          take: windowEnd - Math.max(index + 1, window?.from ?? 0),
        });
        return;
      }
    }
  }

  private closed = false;

  /** Closes pooled connections. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.agent.close();
  }

  private makeAuth(config: AuthConfig): Authenticator {
    return createAuthenticator(config, this.fetchToken, this.timers.now);
  }

  private context(opts: PaginateOptions, first: PreparedRequest): CallContext {
    let auth = this.auth;
    if (opts.auth) {
      auth = this.endpointAuths.get(opts.auth);
      if (!auth) {
        auth = this.makeAuth(opts.auth);
        this.endpointAuths.set(opts.auth, auth);
      }
    }
    return {
      rules: requestRules(mergeRetryPolicy(this.retry, opts.retry)),
      auth,
      // Without a usable base_url (absolute endpoint paths only), the endpoint's own origin is the API's.
      trustedOrigin: this.origin || originOf(first.url),
      resource: opts.resource,
      actions: opts.response_actions,
      signal: opts.signal,
      onRetry: opts.onRetry,
      onResponse: opts.onResponse,
      onPage: opts.onPage,
      variables: opts.variables,
    };
  }

  /** Token requests use the same pool, timeouts and retry loop, under the token request's rules. */
  private readonly fetchToken: TokenFetcher = async (url, form, headers) => {
    const { result } = await retrying({
      rules: tokenRequestRules(mergeRetryPolicy(this.retry)),
      timers: this.timers,
      run: () => this.postToken(url, form, headers),
      wait: (_result, _attempt, delayMs) => (delayMs > 0 ? this.timers.sleep(delayMs) : Promise.resolve()),
    });
    if ("error" in result) throw result.error;
    return result;
  };

  private async postToken(
    url: string,
    form: string,
    headers: Record<string, string>,
  ): Promise<{ status: number; text: string } | { error: unknown }> {
    try {
      const res = await this.transport.send(
        {
          method: "POST",
          url,
          headers: { ...headers, "accept-encoding": "gzip, deflate, br" },
          body: form,
          context: { kind: "token" },
        },
        { maxResponseBytes: this.maxResponseBytes },
      );
      return { status: res.status, text: res.text };
    } catch (error) {
      // sluice's own refusal (a replay without an answer) is final, not a network error to retry.
      if (error instanceof SluiceError) throw error;
      return { error };
    }
  }

  /** One logical request: attempts, as the retry loop decides, then the response or the error it settled on. */
  private async execute(req: PreparedRequest, ctx: CallContext, page = 0): Promise<HttpResponse> {
    const tally: Tally = { attempt: 0, waitMs: 0 };
    const exchange: ExchangeContext = {
      kind: "page",
      page,
      ...(ctx.resource === undefined ? {} : { resource: ctx.resource }),
      ...(ctx.variables === undefined ? {} : { variables: ctx.variables }),
    };
    const settled = await retrying({
      rules: ctx.rules,
      timers: this.timers,
      run: () => this.attempt(req, ctx, tally, exchange),
      refresh: (result) => this.refreshAuth(ctx, result),
      wait: (result, attempt, delayMs) => {
        tally.waitMs += delayMs;
        return this.backoff(ctx, req, result, attempt, delayMs);
      },
    });
    return settle(settled, req, ctx.resource);
  }

  /** One attempt, its body parsed and matched against the response actions; a transport error is an outcome too. */
  private async attempt(
    req: PreparedRequest,
    ctx: CallContext,
    tally: Tally,
    exchange: ExchangeContext,
  ): Promise<Attempted> {
    tally.attempt++;
    let sent: SentResponse;
    try {
      sent = await this.send(req, ctx, tally, exchange);
    } catch (error) {
      if (ctx.signal?.aborted || error instanceof SluiceError) throw error;
      return { error };
    }
    const { response } = sent;
    const text = response.text ?? "";
    let notJson = false;
    if (text.length > 0) {
      try {
        // A UTF-8 byte-order mark is legal in a body but not in JSON.parse's input.
        response.body = parseJson(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
      } catch {
        notJson = true;
      }
    }
    return {
      status: response.status,
      retryAfter: response.headers["retry-after"],
      action: matchResponseAction(ctx.actions, response),
      notJson,
      refreshable: sent.authenticated && ctx.auth?.refresh !== undefined,
      response,
      sentAuthorization: sent.sentAuthorization,
    };
  }

  private async refreshAuth(ctx: CallContext, result: Attempted): Promise<boolean> {
    if ("error" in result || !ctx.auth?.refresh) return false;
    const renewed = await ctx.auth.refresh(result.sentAuthorization);
    if (renewed)
      this.logger.info("401 Unauthorized: credentials refreshed, retrying once", {
        url: maskUrl(result.response.url),
      });
    return renewed;
  }

  private async backoff(
    ctx: CallContext,
    req: PreparedRequest,
    result: Attempted,
    attempt: number,
    waitMs: number,
  ): Promise<void> {
    const failed = "error" in result;
    const url = failed ? withParams(req.url, req.params) : result.response.url;
    const cause = failed
      ? (networkErrorCode(result.error) ?? (result.error as Error).name)
      : result.response.status;
    this.logger.warn(
      `${req.method} ${maskUrl(url)} → ${cause}: retry ${attempt}/${ctx.rules.policy.max_retries} in ${(waitMs / 1000).toFixed(1)}s`,
      ctx.resource ? { resource: ctx.resource } : undefined,
    );
    ctx.onRetry?.({
      attempt,
      ...(failed
        ? { error: String(cause) }
        : {
            status: cause as number,
            ...(result.response.exchange === undefined ? {} : { exchange: result.response.exchange }),
          }),
      delayMs: waitMs,
      url: maskUrl(url),
    });
    // The API said "too many": every request to it waits as long as this retry does, not just this one.
    if (cause === 429) this.hostGate(this.originOf(url)).pause(waitMs);
    await this.timers.sleep(waitMs, ctx.signal);
  }

  /** One attempt: follows redirects itself so credentials never cross to another origin. */
  private async send(
    req: PreparedRequest,
    ctx: CallContext,
    tally: Tally,
    exchange: ExchangeContext,
  ): Promise<SentResponse> {
    let method: HttpMethod = req.method;
    let url = req.url;
    let params: Record<string, ParamValue | undefined> = req.params;
    const baseHeaders = { ...this.defaultHeaders, ...lowerCaseKeys(req.headers) };
    let body = encodeBody(req, baseHeaders);
    for (let hop = 0; ; hop++) {
      const publicUrl = withParams(url, params);
      const origin = this.originOf(url);
      const headers = { ...baseHeaders };
      let sendUrl = publicUrl;
      let sentAuthorization: string | undefined;
      const trusted = origin === ctx.trustedOrigin;
      if (!trusted) {
        for (const name of Object.keys(headers)) {
          if (name === "cookie" || SENSITIVE_NAME.test(name)) delete headers[name];
        }
      } else if (ctx.auth) {
        const target = { headers, params: { ...params } };
        const applying = ctx.auth.apply(target);
        if (applying) await applying;
        sendUrl = withParams(url, target.params);
        sentAuthorization = headers["authorization"];
      }
      if (body === undefined && headers["content-type"] !== undefined) delete headers["content-type"];
      const gate = this.hostGate(origin);
      const queued = performance.now();
      const ticket = await gate.enter(ctx.signal);
      tally.waitMs += performance.now() - queued;
      let location: string | undefined;
      // Set before any body is read: a body too large always has a status to report.
      let status = 0;
      let responseHeaders: HttpResponse["headers"];
      let text = "";
      const started = performance.now();
      try {
        const res = await this.transport.send(
          { method, url: sendUrl, headers, body, signal: ctx.signal, context: exchange },
          { maxResponseBytes: this.maxResponseBytes },
        );
        status = res.status;
        responseHeaders = res.headers;
        gate.observe(ticket, status, responseHeaders);
        location = REDIRECTS.has(status) ? firstValue(res.headers["location"]) : undefined;
        if (location === undefined) text = res.text;
      } catch (err) {
        if (err instanceof ResponseTooLarge)
          throw tooLarge(err, ctx.resource, method, publicUrl, err.status ?? status);
        throw err;
      } finally {
        gate.leave();
      }
      const info: ResponseInfo = {
        method,
        url: maskUrl(publicUrl),
        status,
        durationMs: performance.now() - started,
        size: text.length,
        attempt: tally.attempt,
        waitMs: tally.waitMs,
      };
      tally.waitMs = 0;
      ctx.onResponse?.(info);
      if (location === undefined) {
        return {
          response: {
            status,
            headers: responseHeaders,
            url: publicUrl,
            body: undefined,
            text,
            exchange: info,
          },
          sentAuthorization,
          authenticated: trusted && ctx.auth !== undefined,
        };
      }
      if (hop >= this.maxRedirects) {
        throw new HttpError(`more than ${this.maxRedirects} redirects`, {
          resource: ctx.resource,
          method,
          url: publicUrl,
          status,
        });
      }
      const target = new URL(location, publicUrl).href;
      this.logger.debug(`redirect ${status} → ${maskUrl(target)}`);
      if (status === 303 || ((status === 301 || status === 302) && method === "POST")) {
        method = "GET";
        body = undefined;
      }
      url = target;
      params = {};
    }
  }
}

function mib(bytes: number): string {
  const m = bytes / (1024 * 1024);
  return m >= 1 ? `${Number.isInteger(m) ? m : m.toFixed(1)} MiB` : `${bytes} bytes`;
}

function tooLarge(
  err: ResponseTooLarge,
  resource: string | undefined,
  method: string,
  url: string,
  status: number,
): HttpError {
  const after = err.stage === "decompressed" ? " once decompressed" : "";
  return new HttpError(
    `the response is larger than ${mib(err.limit)}${after} (client.max_response_bytes = ${err.limit}); it was cut off unread`,
    { resource, method, url, status },
    "HTTP_RESPONSE_TOO_LARGE",
  );
}

/** The one line a user sees when sluice ends a pagination the API would have run forever. */
function warnStopped(
  log: Logger,
  resource: string | undefined,
  page: number,
  reason: string,
  url: string,
): void {
  const who = resource ? `resource "${resource}": ` : "";
  log.warn(`${who}pagination stopped at page ${page}: ${reason}`, { page, url: maskUrl(url) });
}

function pageInfo(
  response: HttpResponse,
  index: number,
  records: number,
  next: string,
  expectedPages: number | undefined,
): PageInfo {
  const exchange = response.exchange ?? {
    method: "GET",
    url: maskUrl(response.url),
    status: response.status,
    durationMs: 0,
    size: response.text?.length ?? 0,
    attempt: 1,
    waitMs: 0,
  };
  return { ...exchange, index, records, next, ...(expectedPages === undefined ? {} : { expectedPages }) };
}
