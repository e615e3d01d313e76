/**
 * "Did you mean" suggestions for config typos. Optimal-string-alignment distance (Damerau–Levenshtein
 * without repeated edits of one substring) so a swapped pair like `ofsfet` costs one edit, not two.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i]!;
      const prev = d[i - 1]!;
      let best = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      }
      row[j] = best;
    }
  }
  return d[rows - 1]![cols - 1]!;
}

/**
 * The allowed name nearest to `input`, when it is near enough to be a typo: at most a third
 * (rounded up) of the longer word's letters differ (case and `-`/`_` are ignored), so `ofset` → `offset` but `xyz` → none.
 */
export function closest(input: string, allowed: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/-/g, "_");
  const target = norm(input);
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of allowed) {
    const distance = editDistance(target, norm(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best === undefined) return undefined;
  // A cut-short name (`start` for `start_value`) is a typo too, when it points at one name only.
  const extensions = allowed.filter((c) => target.length >= 3 && norm(c).startsWith(target));
  if (extensions.length === 1 && bestDistance > 0) return extensions[0];
  const limit = Math.max(1, Math.ceil(Math.max(target.length, best.length) / 3));
  return bestDistance <= limit ? best : undefined;
}

/** `did you mean "x"?` when one name is close, otherwise `allowed: a, b, c`. */
export function suggestionHint(input: string, allowed: readonly string[], noun = "allowed"): string {
  const near = closest(input, allowed);
  if (near !== undefined) return `did you mean "${near}"?`;
  return `${noun}: ${allowed.join(", ")}`;
}
