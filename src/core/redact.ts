/**
 * Process-wide secret redaction. Every secret value that sluice resolves (config secrets, auth tokens,
 * OAuth access tokens) is registered here, and every log line, error message and trace passes through
 * `redact()`, so a secret cannot leak through a path nobody thought of.
 */
const secretValues = new Set<string>();
let pattern: RegExp | null = null;

export const MASK = "***";

/** Registers a value to be masked wherever it appears. Values shorter than 4 characters are ignored (too common to mask safely). */
export function registerSecret(value: unknown): void {
  if (typeof value !== "string" || value.length < 4 || secretValues.has(value)) return;
  secretValues.add(value);
  // The spellings a secret takes on its way out: URL-encoded in a query string, form-encoded (space as
  // `+`) in a token request body, JSON-escaped (`"` and `\`) in an API's error body that echoes it.
  for (const spelling of [
    encodeURIComponent(value),
    new URLSearchParams({ s: value }).toString().slice(2),
    JSON.stringify(value).slice(1, -1),
  ])
    secretValues.add(spelling);
  pattern = null;
}

export function isRegisteredSecret(value: string): boolean {
  return secretValues.has(value);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Replaces every registered secret value in `text` with `mask` (default `***`). */
export function redact(text: string, mask: string = MASK): string {
  if (secretValues.size === 0) return text;
  if (pattern === null) {
    // Longest first so a secret that contains another is masked whole.
    const sorted = [...secretValues].sort((a, b) => b.length - a.length).map(escapeRegExp);
    pattern = new RegExp(sorted.join("|"), "g");
  }
  return text.replace(pattern, mask);
}

/** Query parameter and header names whose values are always masked, secret registry or not. */
export const SENSITIVE_NAME = /key|token|secret|password|passwd|signature|auth|credential|session|sig$/i;

/** Masks sensitive query parameters, userinfo and registered secrets in a URL, for messages. */
export function maskUrl(url: string | URL): string {
  let u: URL;
  try {
    u = typeof url === "string" ? new URL(url) : new URL(url.href);
  } catch {
    return redact(String(url));
  }
  if (u.password) u.password = MASK;
  if (u.username) u.username = MASK;
  for (const name of [...u.searchParams.keys()]) {
    if (SENSITIVE_NAME.test(name)) {
      const count = u.searchParams.getAll(name).length;
      u.searchParams.delete(name);
      for (let i = 0; i < count; i++) u.searchParams.append(name, MASK);
    }
  }
  // URLSearchParams encodes "*" as-is, so the mask stays readable.
  return redact(u.href);
}

/** For tests: forget every registered secret. */
export function clearSecretsForTests(): void {
  secretValues.clear();
  pattern = null;
}
