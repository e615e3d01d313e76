import { createHash } from "node:crypto";
import type { PreparedRequest } from "../request.js";
import type { HttpResponse } from "../types.js";

/**
 * Pagination state machine, pure (no I/O): `init` shapes the first request, `update` reads a response
 * and its selected records, `hasNext` says whether to go on, `next` shapes the following request.
 */
export interface Paginator {
  readonly type: string;
  init(request: PreparedRequest): void;
  update(response: HttpResponse, records: readonly unknown[]): void;
  readonly hasNext: boolean;
  next(request: PreparedRequest): void;
  /** Why pagination stopped (for debug logs), once it has. */
  readonly stopReason: string | undefined;
  /** Set when it stopped for a reason the user should hear about (a next link or cursor seen before). */
  readonly warning: string | undefined;
  /**
   * The pages still to come, when a response told how many there are: the client then fetches up to
   * `limit` of them in parallel (`page_concurrency`) and asks this paginator nothing more. Undefined (or
   * no method) while the rest is unknown.
   */
  planRemaining?(limit: number): PagePlan | undefined;
}

/** The remaining pages of a pagination whose total is known, fetched in parallel but yielded in order. */
export interface PagePlan {
  /** What the response said the total is (for the log line). */
  readonly total: number;
  /** Each remaining page's value (an offset, a page number), lazily. */
  readonly values: Iterator<number>;
  /** Puts one page's value into that page's own copy of the request. */
  write(request: PreparedRequest, value: number): void;
  /** Whether an empty page ends pagination before the total is reached. */
  readonly stopsOnEmptyPage: boolean;
  /** How many pages `values` yields, when that is a sane number to count (progress bars, ETAs). */
  readonly pages: number | undefined;
}

export abstract class BasePaginator implements Paginator {
  abstract readonly type: string;
  hasNext = true;
  stopReason: string | undefined;
  warning: string | undefined;

  init(_request: PreparedRequest): void {}
  abstract update(response: HttpResponse, records: readonly unknown[]): void;
  abstract next(request: PreparedRequest): void;

  protected stop(reason: string, warning?: string): void {
    if (!this.hasNext) return;
    this.hasNext = false;
    this.stopReason = reason;
    if (warning) this.warning = warning;
  }
}

/** A number from a JSON value (APIs send totals as strings too); undefined when absent or not numeric. */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string" && value.trim() !== "") {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** `has_more`-style flags: false, "false", 0 and null all mean "no more". */
export function isFalsy(value: unknown): boolean {
  return (
    value === false ||
    value === 0 ||
    value === null ||
    value === "false" ||
    value === "False" ||
    value === "0"
  );
}

/** Longer values are kept as a digest: some cursors are kilobytes of base64 state. */
const KEEP_VERBATIM_CHARS = 64;

/**
 * Every next link or cursor of one pagination run, to stop a cycle of any length (a → b → a), not only
 * an immediate repeat. Keeps short values verbatim and long ones as a SHA-1, so memory stays a few
 * dozen bytes per page.
 */
export class SeenValues {
  private readonly seen = new Set<string>();

  /** Records `value`; false when it was seen before in this run. */
  add(value: string | number): boolean {
    const text = typeof value === "number" ? `#${value}` : value;
    const key =
      text.length <= KEEP_VERBATIM_CHARS ? text : `sha1:${createHash("sha1").update(text).digest("base64")}`;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    return true;
  }
}
