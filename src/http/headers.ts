import type { HttpResponse } from "./types.js";

/** A response header's value; undici hands a repeated header over as a list, and its first entry counts. */
export function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** A response header by name in any case (undici keys them in lower case). */
export function headerValue(headers: HttpResponse["headers"], name: string): string | undefined {
  return firstValue(headers[name.toLowerCase()]);
}
