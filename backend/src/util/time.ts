/** Epoch milliseconds to the wire's ISO 8601 UTC string. */
export function iso(ms: number): string;
export function iso(ms: number | null | undefined): string | null;
export function iso(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString();
}

const RELATIVE = /^(\d+(?:\.\d+)?)\s*(s|m|h|d|w)$/;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** `since` as the API takes it: a duration back from now (`1h`, `7d`) or an absolute time. */
export function parseSince(value: string, now: number): number | null {
  const rel = RELATIVE.exec(value.trim());
  if (rel) {
    return now - Number(rel[1]) * UNIT_SECONDS[rel[2]] * 1000;
  }
  if (/^\d+$/.test(value)) {
    return Number(value);
  }
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}
