import type { PreparedRequest } from "../request.js";
import type { HttpResponse } from "../types.js";
import { splitUrl } from "../url.js";
import { BasePaginator } from "./paginator.js";

/**
 * Base of paginators that follow a next-page URL (json_link, header_link). The URL may be relative
 * (resolved against the URL that answered); its query params override the request's own.
 */
export abstract class NextUrlPaginator extends BasePaginator {
  nextUrl: string | undefined;

  protected abstract findNext(response: HttpResponse): unknown;
  protected abstract describe(): string;

  update(response: HttpResponse, _records: readonly unknown[]): void {
    const raw = this.findNext(response);
    if (typeof raw !== "string" || raw.trim() === "") {
      this.stop(`no next link (${this.describe()})`);
      return;
    }
    let resolved: string;
    try {
      resolved = new URL(raw.trim(), response.url).href;
    } catch {
      this.stop(
        "invalid next link",
        `The next link at ${this.describe()} is not a URL; stopping pagination.`,
      );
      return;
    }
    if (resolved === this.nextUrl || resolved === response.url) {
      this.stop(
        "repeated next link",
        `The API returned the same next link twice (${this.describe()}); stopping pagination instead of looping forever.`,
      );
      return;
    }
    this.nextUrl = resolved;
  }

  next(request: PreparedRequest): void {
    if (this.nextUrl === undefined) return;
    const { url, params } = splitUrl(this.nextUrl);
    request.url = url;
    request.params = { ...request.params, ...params };
  }
}
