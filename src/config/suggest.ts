/**
 * dlt spellings sluice does not take, with what to write instead: a pasted dlt config then gets
 * a real fix rather than a far-fetched "did you mean".
 */
export const DLT_SPELLINGS: Readonly<Record<string, string>> = {
  stop_after_empty_page:
    "not supported by sluice on this paginator (only offset and page_number take it); remove it: a cursor or link paginator stops when the next cursor or link is missing or empty",
  has_more_path:
    "not supported by sluice on this paginator (only offset and page_number take it); remove it: a cursor or link paginator stops when the next cursor or link is missing or empty",
  table_format: "table formats (delta, iceberg) are not supported by sluice; remove it",
  file_format: "sluice chooses the load file format itself; remove it",
  references: "table references are not supported by sluice; remove it",
  nested_hints: "nested table hints are not supported by sluice; use max_table_nesting or columns",
  session: "a custom HTTP session is not supported; use client.headers, auth and timeouts",
  allow_external_schedulers: "external schedulers are not supported by sluice; remove it",
  parent: "write the parent in the endpoint instead: {resources.<parent>.<field>}",
};
