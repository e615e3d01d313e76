import { SluiceError } from "../../core/errors.js";
import { getPath, setPath } from "../../core/json-path.js";
import { jsonBodyObject, type PreparedRequest } from "../request.js";
import type { HttpResponse } from "../types.js";
import { BasePaginator, isFalsy, type PagePlan, toNumber } from "./paginator.js";

/** Pages of a plan counted for a progress bar; a total beyond it (an API that lies) is left uncounted. */
const COUNTABLE_PAGES = 1_000_000;

export interface RangeOptions {
  /** What the paginator counts, naming its settings: `offset` → offset_param, offset_body_path, maximum_offset. */
  kind: "offset" | "page";
  start: number;
  step: number;
  /** As configured: unset means the default param, named after `kind`. */
  param: string | undefined;
  bodyPath: string | undefined;
  totalPath: string | null;
  /** Exclusive, as dlt: the value at or past it is never requested. */
  maximum: number | undefined;
  stopAfterEmptyPage: boolean;
  hasMorePath: string | undefined;
  /** Records a full page holds: a shorter page is the last one when neither total nor has_more says otherwise. */
  pageSize: number | undefined;
}

/**
 * dlt's rule for where a value goes, checked when the paginator is built: a non-empty `<kind>_param` or
 * a `<kind>_body_path`, never both; neither set means the default param. Mirrors dlt's truthiness test.
 */
export function checkValueTarget(
  kind: string,
  param: string | undefined,
  bodyPath: string | undefined,
): void {
  if (param === undefined && bodyPath === undefined) return;
  if (Boolean(param) !== Boolean(bodyPath)) return;
  const paramKey = `${kind}_param`;
  const bodyKey = `${kind}_body_path`;
  const dlt = `(dlt: "Either '${paramKey}' or '${bodyKey}' must be provided, not both.")`;
  throw param && bodyPath
    ? new SluiceError(`${paramKey} and ${bodyKey} are both set ${dlt}`, {
        code: "PAGINATOR_INVALID",
        hint: `keep one: ${paramKey} sends the value as a query parameter, ${bodyKey} puts it in the JSON body`,
      })
    : new SluiceError(`${param === "" ? paramKey : bodyKey} is empty ${dlt}`, {
        code: "PAGINATOR_INVALID",
        hint:
          param === ""
            ? `name the query parameter, e.g. "${kind}", or remove ${paramKey} for that default`
            : `give the JSON body path, or remove ${bodyKey} to send ${paramKey}`,
      });
}

/** dlt refuses a range paginator that only an endless API could end; sluice's page guards are no excuse. */
function checkEnds(opts: RangeOptions): void {
  if (opts.totalPath !== null || opts.maximum !== undefined) return;
  if (opts.hasMorePath !== undefined || opts.stopAfterEmptyPage) return;
  const maximumKey = `maximum_${opts.kind}`;
  throw new SluiceError(
    `nothing ends this paginator: total_path is null, stop_after_empty_page is false, and neither ${maximumKey} nor has_more_path is set (dlt: "One of \`total_path\`, \`${maximumKey}\`, \`has_more_path\`, or \`stop_after_empty_page\` must be provided.")`,
    {
      code: "PAGINATOR_INVALID",
      hint: `set one of them, e.g. stop_after_empty_page: true (the default) or ${maximumKey}`,
    },
  );
}

/**
 * Shared state of offset and page-number pagination. Stop conditions combine: an empty page, a false
 * `has_more`, the total reached, the maximum reached, and — only when the response carries neither a
 * total nor a has_more flag — a short page. A missing total is never an error (dlt raises there).
 */
export abstract class RangePaginator extends BasePaginator {
  current: number;
  total: number | undefined;

  private readonly param: string;

  constructor(protected readonly opts: RangeOptions) {
    super();
    checkValueTarget(opts.kind, opts.param, opts.bodyPath);
    checkEnds(opts);
    this.param = opts.param ?? opts.kind;
    this.current = opts.start;
  }

  protected abstract totalReached(total: number): boolean;

  /** dlt: `current_value >= maximum_value` stops, so the maximum itself is never requested. */
  protected maximumReached(): boolean {
    return this.opts.maximum !== undefined && this.current >= this.opts.maximum;
  }

  override init(request: PreparedRequest): void {
    this.write(request);
  }

  next(request: PreparedRequest): void {
    this.write(request);
  }

  protected write(request: PreparedRequest): void {
    this.writeValue(request, this.current);
  }

  /** Puts a page's offset / number into a request. */
  private writeValue(request: PreparedRequest, value: number): void {
    if (this.opts.bodyPath) setPath(jsonBodyObject(request), this.opts.bodyPath, value);
    else request.params[this.param] = value;
  }

  /** Once a response told the total, every remaining page is known up front. */
  planRemaining(limit: number): PagePlan | undefined {
    if (this.total === undefined) return undefined;
    return {
      total: this.total,
      pages: this.countRemaining(limit, this.total),
      values: this.remainingValues(limit),
      write: (request, value) => this.writeValue(request, value),
      stopsOnEmptyPage: this.opts.stopAfterEmptyPage,
    };
  }

  /** The remaining pages `remainingValues` will yield, counted up to COUNTABLE_PAGES (beyond: unknown). */
  private countRemaining(limit: number, total: number): number | undefined {
    const start = this.current;
    try {
      let n = 0;
      for (; n < limit && !this.totalReached(total) && !this.maximumReached(); n++) {
        if (n >= COUNTABLE_PAGES) return undefined;
        this.current += this.opts.step;
      }
      return n;
    } finally {
      this.current = start;
    }
  }

  /**
   * The remaining pages' values (at most `limit` of them, each within total and maximum); marks the
   * paginator done. Lazy: a total of 10^12 (an API that lies, or ignores offset) costs nothing until
   * pages are asked for, and the repeated-page guard stops it at the first repeat.
   */
  private *remainingValues(limit: number): Generator<number, void, undefined> {
    if (!this.hasNext || this.total === undefined) return;
    const total = this.total;
    this.stop(`remaining pages planned from total ${total}`);
    for (let n = 0; n < limit && !this.totalReached(total) && !this.maximumReached(); n++) {
      yield this.current;
      this.current += this.opts.step;
    }
  }

  update(response: HttpResponse, records: readonly unknown[]): void {
    if (this.opts.stopAfterEmptyPage && records.length === 0) {
      this.stop("empty page");
      return;
    }
    let informed = false;
    if (this.opts.hasMorePath) {
      const more = getPath(response.body, this.opts.hasMorePath);
      if (more !== undefined) {
        informed = true;
        if (isFalsy(more)) {
          this.stop(`${this.opts.hasMorePath} is false`);
          return;
        }
      }
    }
    this.total = this.opts.totalPath ? toNumber(getPath(response.body, this.opts.totalPath)) : undefined;
    this.current += this.opts.step;
    if (this.total !== undefined) {
      informed = true;
      if (this.totalReached(this.total)) {
        this.stop(`total ${this.total} reached`);
        return;
      }
    }
    if (this.maximumReached()) {
      this.stop("maximum reached");
      return;
    }
    if (!informed && this.opts.pageSize !== undefined && records.length < this.opts.pageSize) {
      this.stop(`short page (${records.length} < ${this.opts.pageSize})`);
    }
  }
}
