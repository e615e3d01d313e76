import { getPath, setPath } from "../json-path.js";
import { jsonBodyObject, type PreparedRequest } from "../request.js";
import type { HttpResponse } from "../types.js";
import { BasePaginator, isFalsy, toNumber } from "./paginator.js";

export interface RangeOptions {
  start: number;
  step: number;
  param: string;
  bodyPath: string | undefined;
  totalPath: string | null;
  stopAfterEmptyPage: boolean;
  hasMorePath: string | undefined;
  /** Records a full page holds: a shorter page is the last one when neither total nor has_more says otherwise. */
  pageSize: number | undefined;
}

/**
 * Shared state of offset and page-number pagination. Stop conditions combine: an empty page, a false
 * `has_more`, the total reached, the maximum reached, and — only when the response carries neither a
 * total nor a has_more flag — a short page. A missing total is never an error (dlt raises there).
 */
export abstract class RangePaginator extends BasePaginator {
  current: number;
  total: number | undefined;

  constructor(protected readonly opts: RangeOptions) {
    super();
    this.current = opts.start;
  }

  protected abstract totalReached(total: number): boolean;
  protected abstract maximumReached(): boolean;

  override init(request: PreparedRequest): void {
    this.write(request);
  }

  next(request: PreparedRequest): void {
    this.write(request);
  }

  protected write(request: PreparedRequest): void {
    this.writeValue(request, this.current);
  }

  /** Puts a page's offset / number into a request (for requests planned ahead). */
  writeValue(request: PreparedRequest, value: number): void {
    if (this.opts.bodyPath) setPath(jsonBodyObject(request), this.opts.bodyPath, value);
    else request.params[this.opts.param] = value;
  }

  /** Whether an empty page ends pagination (`stop_after_empty_page`). */
  get stopsOnEmptyPage(): boolean {
    return this.opts.stopAfterEmptyPage;
  }

  /**
   * Once a response told the total, every remaining page is known up front: yields their values (at
   * most `limit` of them, each within total and maximum) and marks the paginator done, so the client
   * can fetch them in parallel. Lazy: a total of 10^12 (an API that lies, or ignores offset) costs
   * nothing until pages are asked for, and the repeated-page guard stops it at the first repeat.
   */
  *planRemaining(limit: number): Generator<number, void, undefined> {
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
