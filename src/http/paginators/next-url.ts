import type { PreparedRequest } from "../request.js";
import type { HttpResponse } from "../types.js";
import { splitUrl } from "../url.js";
import { BasePaginator, SeenValues } from "./paginator.js";

/**
 * Base of paginators that follow a next-page URL (json_link, header_link). The URL may be relative
 * (resolved against the URL that answered). As in dlt, the server's link is the whole next request:
 * the endpoint's params are not added back (a server that drops a filter from its link means it).
 * Auth is applied per request by the client, so credentials in the query still go with it.
 */
export abstract class NextUrlPaginator extends BasePaginator {
  nextUrl: string | undefined;
  /** Links followed and URLs requested: a link back to any of them is a cycle. */
  private readonly seen = new SeenValues();

  protected abstract findNext(response: HttpResponse): unknown;
  protected abstract describe(): string;

  update(response: HttpResponse, _records: readonly unknown[]): void {
    const raw = this.findNext(response);
    if (typeof raw !== "string" || raw.trim() === "") {
      this.stop(`no next link (${this.describe()})`);
      return;
    }
    let resolved: string;
    let requested: string;
    try {
      resolved = new URL(raw.trim(), response.url).href;
      requested = new URL(response.url).href;
    } catch {
      this.stop("invalid next link", `the next link at ${this.describe()} is not a URL`);
      return;
    }
    this.seen.add(requested);
    if (!this.seen.add(resolved)) {
      this.stop(
        "repeated next link",
        resolved === this.nextUrl || resolved === requested
          ? `the API returned the same next link twice (${this.describe()})`
          : `the next link (${this.describe()}) leads back to a page already fetched in this run (a cycle)`,
      );
      return;
    }
    this.nextUrl = resolved;
  }

  next(request: PreparedRequest): void {
    if (this.nextUrl === undefined) return;
    const { url, params } = splitUrl(this.nextUrl);
    request.url = url;
    request.params = params;
  }
}
