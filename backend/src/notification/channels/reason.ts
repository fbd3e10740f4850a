import { oneLine, truncate } from './text';

/** What a removed secret or URL is replaced with in a reason. */
export const REDACTED = '[redacted]';

/** Any URL: webhook URLs carry their credential in the path, so no URL ever reaches a reason. */
const URL_PATTERN = /\w+:\/\/\S+/g;

/** How much of a receiver's answer a reason quotes. */
export const BODY_EXCERPT = 200;

/**
 * The forms in which a secret can come back inside an error message or an answer body: as is,
 * URL-encoded, JSON-escaped, and for a URL also without its scheme (hostname and path).
 */
function variants(secret: string): string[] {
  const out = [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)];
  if (URL.canParse(secret)) {
    const url = new URL(secret);
    out.push(`${url.host}${url.pathname}${url.search}`);
    const pathAndQuery = `${url.pathname}${url.search}`;
    // The path is the credential of a Slack-style URL; a short path such as "/" is not, and would mangle every reason.
    if (pathAndQuery.length >= 8) out.push(pathAndQuery);
  }
  return out;
}

/**
 * Makes `text` fit to be stored and shown as a delivery reason: removes every secret (in the forms
 * `variants` lists) and every URL, and folds it onto one line. Does not shorten it.
 */
export function safeReason(text: string, secrets: readonly string[]): string {
  const all = secrets.filter((s) => s.length > 0).flatMap(variants);
  // Longest first, so a secret that contains another is removed whole.
  all.sort((a, b) => b.length - a.length);
  let out = text;
  for (const s of all) out = out.split(s).join(REDACTED);
  return oneLine(out.replace(URL_PATTERN, '[url]'));
}

/** A receiver's answer as a reason may quote it: secrets and URLs removed, then cut to BODY_EXCERPT. */
export function bodyExcerpt(body: string, secrets: readonly string[]): string {
  return truncate(safeReason(body, secrets), BODY_EXCERPT);
}

/** Short reasons for the socket and DNS failures worth retrying, by error code. */
const CONNECTION_PROBLEMS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed (temporary)',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed while sending',
  UND_ERR_CONNECT_TIMEOUT: 'timed out connecting',
  UND_ERR_HEADERS_TIMEOUT: 'timed out waiting for the answer',
  UND_ERR_BODY_TIMEOUT: 'timed out reading the answer',
  UND_ERR_SOCKET: 'connection closed by the receiver',
  UND_ERR_CLOSED: 'connection closed',
};

function codesOf(err: unknown, depth = 0): string[] {
  if (typeof err !== 'object' || err === null || depth > 3) return [];
  const codes: string[] = [];
  if ('code' in err && typeof err.code === 'string') codes.push(err.code);
  // undici and Node wrap the socket error (`cause`) or, with happy eyeballs, collect one per address (`errors`).
  if ('cause' in err) codes.push(...codesOf(err.cause, depth + 1));
  if ('errors' in err && Array.isArray(err.errors)) {
    for (const e of err.errors) codes.push(...codesOf(e, depth + 1));
  }
  return codes;
}

/** The short reason for a connection-level failure, or undefined when `err` is not one. */
export function connectionProblem(err: unknown): string | undefined {
  for (const code of codesOf(err)) {
    const known = CONNECTION_PROBLEMS[code];
    if (known !== undefined) return known;
    if (code.startsWith('UND_ERR_')) return `connection error (${code})`;
  }
  return undefined;
}

/**
 * The message of anything thrown, without trusting its shape. Duck-typed rather than `instanceof
 * Error`: errors from Node's core (sockets, DNS) come from another realm under some test runners.
 */
export function messageOf(err: unknown): string {
  if (typeof err === 'string') return err;
  if (typeof err === 'object' && err !== null && 'message' in err && typeof err.message === 'string') {
    const name = 'name' in err && typeof err.name === 'string' ? err.name : 'Error';
    return `${name}: ${err.message}`;
  }
  return 'unknown error';
}
