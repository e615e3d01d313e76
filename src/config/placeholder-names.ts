/**
 * The `{incremental.<field>}` placeholders dlt fills (rest_api's `convert_incremental_values` and the
 * `Incremental` object's attributes). One list for validation and for the request renderer.
 */
export const INCREMENTAL_PLACEHOLDER_FIELDS = [
  "start_value",
  "end_value",
  "last_value",
  "initial_value",
  "lag",
] as const;

export type IncrementalPlaceholderField = (typeof INCREMENTAL_PLACEHOLDER_FIELDS)[number];
