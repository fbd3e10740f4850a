/**
 * What one audit entry may store of each text a caller chooses: the request's path (without its
 * query, which is never stored), the target taken from it, the person, the client's user agent,
 * the detail. Longer texts are cut and marked, so no request can make an entry large.
 */
export const AUDIT_CAPS = {
  path: 300,
  target: 200,
  actor: 200,
  user_agent: 200,
  detail: 500,
  remote_addr: 64,
} as const;

/** Ends a cut text: `…(+N chars)` says how much was left out. */
export function truncationMark(omitted: number): string {
  return `…(+${omitted} chars)`;
}

/** The text, or its first `max` characters and the mark when it is longer. */
export function capText(text: string, max: number): string;
export function capText(text: string | null | undefined, max: number): string | null;
export function capText(text: string | null | undefined, max: number): string | null {
  if (text === null || text === undefined) {
    return null;
  }
  if (text.length <= max) {
    return text;
  }
  // Never half a surrogate pair: the stored text stays valid UTF-16.
  const end = /[\uD800-\uDBFF]/.test(text[max - 1]) ? max - 1 : max;
  return text.slice(0, end) + truncationMark(text.length - end);
}
