import { formatPath, headerIssues, isSecretRef, validateConfig } from "../../config/index.js";
import { ConfigError, type ConfigIssue, SluiceError } from "../../core/errors.js";
import { type DataRecord, isPlainObject, type JsonObject } from "../../core/json.js";
import type { Logger } from "../../core/logger.js";
import { maskUrl } from "../../core/redact.js";
import type {
  RequestRecord,
  Resource,
  ResourceContext,
  ResourceHints,
  ResourceItem,
  ResourceState,
  Source,
  WriteDisposition,
} from "../../core/resource.js";
import { registerAuthSecrets } from "../../http/auth/index.js";
import type { CassetteSession } from "../../http/cassette/index.js";
import { DEFAULT_PAGE_CONCURRENCY, RestClient } from "../../http/client.js";
import { createPaginator } from "../../http/paginators/index.js";
import {
  explainSelectorMiss,
  formatCandidates,
  recordListCandidates,
  SelectorMissError,
  selectorMissMessage,
} from "../../http/selector.js";
import type {
  ClientOptions,
  PageInfo,
  PaginateOptions,
  ParamValue,
  ResponseAction,
  ResponseInfo,
} from "../../http/types.js";
import { columnHints } from "./columns.js";
import type { RestApiConfig, RestApiConfigInput } from "./config-types.js";
import { effectivePaginator, effectiveRetry } from "./defaults.js";
import { readPath } from "./field-path.js";
import { includeFromParent, isSingleEntityPath, planResources, type ResourcePlan } from "./graph.js";
import { cursorSlot, IncrementalRun, mergeCursorSlots } from "./incremental.js";
import { PlaceholderMissing, type PlaceholderValues, valueText } from "./placeholders.js";
import { applyProcessingSteps, excludeColumns } from "./processing.js";
import { renderRequest } from "./request-template.js";
import { resolveConfigSecrets, type SecretOptions } from "./secret-templates.js";

export interface RestApiSourceOptions {
  /** Source name (default `rest_api`, as dlt). */
  name?: string;
  logger?: Logger;
  /** Where secrets are looked up: environment (default `process.env`) and the directory holding `.sluice/`. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Record every HTTP exchange into a cassette, or answer them from one (`sluice run --record/--replay`). */
  cassette?: CassetteSession;
}

/** A source built from config; `close()` releases the HTTP connections it opened. */
export interface RestApiSource extends Source {
  close(): Promise<void>;
}

/**
 * Builds a source from dlt's `rest_api_source` config. Every config problem is reported at once, here,
 * before any request, and so is every missing secret; the HTTP client is created at the first read and
 * shared by all resources (one token, one connection pool, one rate limiter).
 */
export function restApiSource(config: RestApiConfigInput, options: RestApiSourceOptions = {}): RestApiSource {
  // The config rules run here, for a config from a file and a TypeScript object alike: planning relies on them.
  const validated = validateConfig(config, options.logger ? { onWarning: warnTo(options.logger) } : {});
  const secretOptions: SecretOptions = {};
  if (options.env) secretOptions.env = options.env;
  if (options.cwd) secretOptions.cwd = options.cwd;
  const cfg: RestApiConfig = resolveConfigSecrets(validated, secretOptions);

  // A secret's value is known only now, and one ending in a newline makes a header no client can send.
  const issues: ConfigIssue[] = headerIssues(cfg).map((i) => ({
    path: formatPath(i.path),
    message: i.message,
    ...(i.hint === undefined ? {} : { hint: i.hint }),
  }));
  const { plans, hints } = buildPlans(cfg, issues);
  if (issues.length > 0) throw new ConfigError(issues);

  registerAuthSecrets(cfg.client.auth);
  for (const p of plans) registerAuthSecrets(p.resource.endpoint.auth ?? undefined);
  const cassette = options.cassette;
  if (cassette) {
    cassette.declareAuth(cfg.client.auth);
    for (const p of plans) cassette.declareAuth(p.resource.endpoint.auth ?? undefined);
  }

  let client: RestClient | undefined;
  const getClient = (): RestClient => {
    if (client) return client;
    const c = cfg.client;
    const opts: ClientOptions = { base_url: c.base_url };
    if (c.auth) opts.auth = c.auth;
    if (c.headers) opts.headers = c.headers;
    if (c.error_handler) opts.retry = c.error_handler;
    if (c.connect_timeout !== undefined) opts.connect_timeout = c.connect_timeout;
    if (c.read_timeout !== undefined) opts.read_timeout = c.read_timeout;
    if (c.max_in_flight_per_host !== undefined) opts.max_in_flight_per_host = c.max_in_flight_per_host;
    if (c.rate_limit !== undefined) opts.rate_limit = c.rate_limit;
    if (c.max_response_bytes !== undefined) opts.max_response_bytes = c.max_response_bytes;
    if (options.logger) opts.logger = options.logger;
    if (cassette) {
      opts.transport = cassette.transport;
      if (cassette.timers) opts.timers = cassette.timers;
    }
    client = new RestClient(opts);
    return client;
  };

  const resources = plans.map((plan, i) => endpointResource(plan, hints[i] as ResourceHints, cfg, getClient));
  return {
    name: options.name ?? "rest_api",
    resources,
    ...(cfg.concurrency === undefined ? {} : { concurrency: cfg.concurrency }),
    async close() {
      const c = client;
      client = undefined;
      await c?.close();
    },
  };
}

/**
 * Every problem building a source from this checked config finds, without secrets and without I/O: the
 * column hints and the paginators (the config rules themselves ran in `checkConfig`). `sluice validate`
 * and `sluice run` both call it, so a config `validate` passes is not refused by `run` before its first
 * request.
 */
export function sourceBuildIssues(config: RestApiConfigInput): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  buildPlans(withoutSecrets(config) as RestApiConfig, issues);
  return issues;
}

/** The config with each secret reference standing in as its `${secrets.…}` text: no secret is looked up. */
function withoutSecrets(value: unknown): unknown {
  if (isSecretRef(value)) return value.toString();
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (isPlainObject(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutSecrets(v)]));
  return value;
}

function buildPlans(
  cfg: RestApiConfig,
  issues: ConfigIssue[],
): { plans: ResourcePlan[]; hints: ResourceHints[] } {
  const plans = planResources(cfg.resources, cfg.resource_defaults);
  const hints = plans.map((p) => resourceHints(p, issues));
  for (const p of plans) checkPaginator(p, cfg, issues);
  return { plans, hints };
}

/** Builds the resource's paginator once, as its first read will, so a bad setting fails here. */
function checkPaginator(plan: ResourcePlan, cfg: RestApiConfig, issues: ConfigIssue[]): void {
  if (isSingleEntityPath(plan.endpoint) && plan.resource.endpoint.paginator == null) return;
  try {
    createPaginator(effectivePaginator(plan.resource.endpoint, cfg.client));
  } catch (err) {
    if (!(err instanceof SluiceError)) throw err;
    issues.push({
      path: plan.resource.endpoint.paginator == null ? "client.paginator" : `${plan.at}.endpoint.paginator`,
      message: err.message,
      ...(err.hint === undefined ? {} : { hint: err.hint }),
    });
  }
}

function warnTo(logger: Logger): (issue: ConfigIssue) => void {
  return (issue) =>
    logger.warn(`config: ${issue.path}: ${issue.message}`, issue.hint ? { hint: issue.hint } : {});
}

function asList(v: string | string[] | undefined | null): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  return Array.isArray(v) ? v : [v];
}

function resourceHints(plan: ResourcePlan, issues: ConfigIssue[]): ResourceHints {
  const r = plan.resource;
  const h: ResourceHints = {};
  if (r.table_name != null) h.table_name = r.table_name;
  if (r.write_disposition != null) h.write_disposition = r.write_disposition as WriteDisposition;
  if (r.primary_key != null) h.primary_key = r.primary_key;
  if (r.merge_key != null) h.merge_key = r.merge_key;
  const columns = columnHints(r.columns ?? undefined, `${plan.at}.columns`, issues);
  if (columns) h.columns = columns;
  if (r.schema_contract != null) h.schema_contract = r.schema_contract;
  if (r.max_table_nesting != null) h.max_table_nesting = r.max_table_nesting;
  if (r.selected != null) h.selected = r.selected;
  if (r.parallelized != null) h.parallelized = r.parallelized;
  return h;
}

/** Identity of a parent record for per-parent cursors: the parent fields this child reads. */
function parentKey(plan: ResourcePlan, parent: DataRecord): string {
  const fields = [...new Set(plan.endpoint.parentRefs.map((ref) => ref.field))].sort();
  return fields.map((f) => `${f}=${valueText(readPath(parent, f).value)}`).join("&");
}

function endpointResource(
  plan: ResourcePlan,
  hints: ResourceHints,
  cfg: RestApiConfig,
  getClient: () => RestClient,
): Resource {
  const r = plan.resource;
  const ep = plan.endpoint;
  const name = r.name;
  const single = isSingleEntityPath(ep);
  // As dlt, the one-entity guess stands in for an endpoint paginator, so it wins over the client's.
  const paginator =
    single && r.endpoint.paginator == null
      ? { type: "single_page" as const }
      : effectivePaginator(r.endpoint, cfg.client);
  const dataSelector = r.endpoint.data_selector ?? (single ? "$" : undefined);
  const retry = effectiveRetry(r, cfg.client);
  const primaryKey = asList(r.primary_key);
  const steps = r.processing_steps ?? [];
  const exclude = r.exclude_columns ?? [];
  const includeFields = r.include_from_parent ?? [];

  async function* read(ctx: ResourceContext, parentRecord?: DataRecord): AsyncIterable<ResourceItem> {
    if (plan.parent !== undefined && parentRecord === undefined)
      throw new SluiceError(`resource "${name}" is a child of "${plan.parent}" and needs a parent record`, {
        code: "PARENT_RECORD_MISSING",
        hint: `read "${name}" once per record of "${plan.parent}"`,
      });
    const values: PlaceholderValues = {};
    if (plan.parent !== undefined && parentRecord)
      values.parent = { name: plan.parent, record: parentRecord };

    let inc: IncrementalRun | undefined;
    const extra: Record<string, ParamValue> = {};
    const variables: Record<string, string> = {};
    if (ep.incremental) {
      const key = plan.parent !== undefined && parentRecord ? parentKey(plan, parentRecord) : undefined;
      const slot = cursorSlot(ctx.state, ep.incremental.cursor_path, key);
      inc = new IncrementalRun(ep.incremental, slot, primaryKey, name);
      values.incremental = inc.placeholderValues();
      const { start_param, end_param } = ep.incremental;
      const { start_value, end_value } = values.incremental;
      if (start_param && start_value !== undefined) extra[start_param] = paramValue(start_value);
      if (end_param && end_value !== undefined) extra[end_param] = paramValue(end_value);
      // The values that differ from run to run, named so a recording templates them.
      if (start_value !== undefined && start_value !== null)
        variables["incremental.start_value"] = valueText(start_value);
      if (end_value !== undefined && end_value !== null)
        variables["incremental.end_value"] = valueText(end_value);
    }

    let spec: ReturnType<typeof renderRequest>;
    try {
      spec = renderRequest(ep, values, extra);
    } catch (err) {
      if (err instanceof PlaceholderMissing) throw missingPlaceholder(name, plan.parent, err);
      throw err;
    }

    const onRequest = ctx.onRequest;
    const opts: PaginateOptions = {
      resource: name,
      signal: ctx.signal,
      logger: ctx.logger,
      onRetry: (info) => {
        ctx.metrics.retries++;
        ctx.metrics.requests++;
        onRequest?.({
          ...(info.exchange !== undefined
            ? exchangeRecord(info.exchange)
            : {
                method: spec.method ?? "GET",
                url: info.url,
                status: 0,
                attempt: info.attempt,
                durationMs: 0,
                bytes: 0,
                waitMs: 0,
              }),
          retry: { cause: info.error ?? String(info.status), delayMs: info.delayMs },
        });
      },
      onResponse: (info) => {
        ctx.metrics.requestMs = (ctx.metrics.requestMs ?? 0) + info.durationMs;
      },
      ...(onRequest === undefined
        ? {}
        : {
            onPage: (p: PageInfo) =>
              onRequest({
                ...exchangeRecord(p),
                page: {
                  index: p.index,
                  records: p.records,
                  next: p.next,
                  ...(p.expectedPages === undefined ? {} : { expectedPages: p.expectedPages }),
                },
              }),
          }),
    };
    opts.page_concurrency = r.page_concurrency ?? DEFAULT_PAGE_CONCURRENCY;
    if (ctx.window !== undefined) opts.window = ctx.window;
    if (Object.keys(variables).length > 0) opts.variables = variables;
    if (paginator) opts.paginator = paginator;
    if (dataSelector) opts.data_selector = dataSelector;
    // The config's response callback sees {status, headers, body}, a subset of HttpResponse.
    if (r.endpoint.response_actions) opts.response_actions = r.endpoint.response_actions as ResponseAction[];
    if (retry) opts.retry = retry;
    if (r.endpoint.auth) opts.auth = r.endpoint.auth;

    // Only a selector that never matched is a mistake: once it has, a later page without the key is the
    // way some APIs (proto3 JSON omits empty lists) say "no more records".
    let selectorMatched = false;
    for await (const page of getClient().paginate(spec, opts)) {
      ctx.metrics.pages++;
      ctx.metrics.requests++;
      if (page.records.length > 0) selectorMatched = true;
      else if (dataSelector !== undefined && !selectorMatched)
        failOnSelectorMiss(name, dataSelector, page.response.body, page.response.url);
      let records = page.records;
      if (plan.parent !== undefined && parentRecord && includeFields.length > 0)
        records = includeFromParent(name, records, plan.parent, parentRecord, includeFields);
      // As dlt: the steps come first, so cursor_path reads mapped records and a filtered-out record
      // does not move the cursor.
      if (steps.length > 0) records = applyProcessingSteps(records, steps);
      let stop = false;
      if (inc) ({ records, stop } = inc.filter(records));
      if (exclude.length > 0) records = excludeColumns(records, exclude);
      ctx.metrics.records += records.length;
      if (records.length > 0) yield records;
      await ctx.onPageDone?.(page.index + 1);
      // A sorted stream that passed the range end (or start, descending) has nothing more to give.
      if (stop) break;
    }
  }

  /** Reads the first page only (window [0, 0)): its total, when it has one, gives the page count. */
  async function planPages(ctx: ResourceContext): Promise<number | undefined> {
    if (plan.parent !== undefined) return undefined;
    let expected: number | undefined;
    const probe: ResourceContext = {
      ...ctx,
      state: structuredClone(ctx.state),
      window: { from: 0, to: 0 },
      onRequest: (request) => {
        if (request.page?.expectedPages !== undefined) expected = request.page.expectedPages;
        ctx.onRequest?.(request);
      },
    };
    for await (const _ of read(probe));
    return expected;
  }

  function mergeStates(states: readonly ResourceState[]): ResourceState {
    const merged: ResourceState = structuredClone(states[0] ?? {});
    const inc = ep.incremental;
    if (!inc) return merged;
    const slotOf = (s: ResourceState): JsonObject => {
      const all = s.incremental;
      const slot = isPlainObject(all) ? all[inc.cursor_path] : undefined;
      return isPlainObject(slot) ? slot : {};
    };
    const all = isPlainObject(merged.incremental) ? merged.incremental : {};
    merged.incremental = {
      ...all,
      [inc.cursor_path]: mergeCursorSlots(states.map(slotOf), inc.last_value_func),
    };
    return merged;
  }

  return {
    name,
    hints,
    ...(plan.parent === undefined ? {} : { parent: plan.parent }),
    read,
    planPages,
    mergeStates,
  };
}

/** An HTTP exchange as a preview or a trace records it. */
function exchangeRecord(e: ResponseInfo): RequestRecord {
  return {
    method: e.method,
    url: e.url,
    status: e.status,
    attempt: e.attempt,
    durationMs: e.durationMs,
    bytes: e.size,
    waitMs: e.waitMs,
  };
}

/** A configured selector that fits nothing in a response with content fails the resource instead of loading 0 rows. */
function failOnSelectorMiss(name: string, selector: string, body: unknown, url: string): void {
  const miss = explainSelectorMiss(body, selector);
  if (miss === undefined) return;
  const candidates = recordListCandidates(body);
  const lists = candidates.length > 0 ? `; lists in the response: ${formatCandidates(candidates)}` : "";
  throw new SelectorMissError(
    `resource "${name}": ${selectorMissMessage(selector, miss)} (${maskUrl(url)})${lists}`,
    miss.suggestion !== undefined
      ? `set the resource's endpoint.data_selector to "${miss.suggestion}", or remove it to let sluice detect the records`
      : "fix the resource's endpoint.data_selector to the path of the records in this response",
    candidates,
  );
}

function paramValue(v: unknown): ParamValue {
  if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  return valueText(v);
}

function missingPlaceholder(name: string, parent: string | undefined, err: PlaceholderMissing): SluiceError {
  const ref = err.ref;
  if (ref.kind === "resource")
    return new SluiceError(
      `resource "${name}": field "${ref.field}" is missing from a record of "${ref.resource}" (fields: ${err.available.join(", ") || "none"})`,
      {
        code: "PARENT_FIELD_MISSING",
        hint: `check {resources.${ref.resource}.${ref.field}} against the records "${parent ?? ref.resource}" yields`,
      },
    );
  return new SluiceError(`resource "${name}": placeholder has no value`, { code: "PLACEHOLDER_MISSING" });
}
