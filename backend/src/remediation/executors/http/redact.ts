/** What a dry run shows in place of a secret. */
export const REDACTED = '[redacted]';

// Names that usually carry credentials, in headers and in query strings alike.
const SECRET_NAME = /authorization|token|key|secret|password|cookie/i;
// Sent on every run and derived from the run itself: showing it is the point of a dry run.
const NOT_SECRET = new Set(['idempotency-key']);

function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !NOT_SECRET.has(name.toLowerCase());
}

/** Headers with the values of credential-like names replaced, for plans and logs. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, isSecretName(name) ? REDACTED : value])
  );
}

/** A URL with its password and credential-like query values replaced; unparsable URLs pass unchanged. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  let changed = false;
  if (parsed.password) {
    parsed.password = REDACTED;
    changed = true;
  }
  for (const name of new Set(parsed.searchParams.keys())) {
    if (isSecretName(name)) {
      parsed.searchParams.set(name, REDACTED);
      changed = true;
    }
  }
  // Re-serialising normalises the URL; leave it exactly as rendered when there was nothing to hide.
  return changed ? parsed.toString() : url;
}
