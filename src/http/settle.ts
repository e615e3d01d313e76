import { STATUS_CODES } from "node:http";
import { HttpError } from "./errors.js";
import { firstValue } from "./headers.js";
import type { ResponseOutcome } from "./next-step.js";
import type { PreparedRequest } from "./request.js";
import { networkErrorCode } from "./retry.js";
import type { Settled } from "./retry-loop.js";
import type { HttpResponse } from "./types.js";
import { withParams } from "./url.js";

/** An attempt of a request to the API: its outcome, the response, and the credentials it carried. */
export type Attempted =
  | (ResponseOutcome & { response: HttpResponse; sentAuthorization: string | undefined })
  | { error: unknown };

/** What a request settled on: its response, or the error that says why it failed, after how many attempts. */
export function settle(
  { result, step, attempts }: Settled<Attempted>,
  req: PreparedRequest,
  resource: string | undefined,
): HttpResponse {
  if ("error" in result) {
    const err = result.error as Error;
    throw new HttpError(
      `request failed (${networkErrorCode(err) ?? err.name}: ${err.message})`,
      { resource, method: req.method, url: withParams(req.url, req.params), attempts, cause: err },
      "HTTP_CONNECTION",
    );
  }
  const { response } = result;
  if (step.step === "ignore") {
    response.ignored = true;
    return response;
  }
  if (step.step === "accept") {
    // The parsed body is what callers use; dropping the text halves what a page keeps alive.
    response.text = undefined;
    return response;
  }
  const details = {
    resource,
    method: req.method,
    url: response.url,
    status: response.status,
    body: response.text ?? "",
    contentType: firstValue(response.headers["content-type"]),
    attempts,
  };
  if (step.reason === "action") throw new HttpError("failed by a response action", details);
  if (step.reason === "not-json") {
    // A body announced as JSON that does not parse was most often cut off on the way.
    const what = /json/i.test(details.contentType ?? "")
      ? "the body is not valid JSON (cut off or malformed)"
      : "the body is not JSON";
    throw new HttpError(what, details, "HTTP_NOT_JSON");
  }
  throw new HttpError(STATUS_CODES[response.status] ?? "request failed", details);
}
