/** JSON text of one record; bigints (which JSON.stringify refuses) become numeric strings. */
export function recordToJson(record: unknown): string {
  try {
    return JSON.stringify(record);
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    return JSON.stringify(record, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  }
}
