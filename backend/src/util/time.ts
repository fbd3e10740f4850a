import { ValidationError } from './errors';

/** Epoch milliseconds to the wire's ISO 8601 UTC string. */
export function iso(ms: number): string;
export function iso(ms: number | null | undefined): string | null;
export function iso(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString();
}

/** Seconds as the API shows them: to the millisecond. */
export function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** An input time (ISO string or epoch ms) as epoch ms, or `fallback` when absent. */
export function eventTime(value: string | number | undefined, fallback: number): number {
  return value === undefined ? fallback : typeof value === 'number' ? value : Date.parse(value);
}

const RELATIVE = /^(\d+(?:\.\d+)?)\s*(s|m|h|d|w)$/;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** Epoch milliseconds of the last time a JavaScript Date can hold; a time past it cannot be shown back. */
export const MAX_DATE_MS = 8.64e15;

/** `since` as the API takes it: a duration back from now (`1h`, `7d`) or an absolute time. */
export function parseSince(value: string, now: number): number | null {
  const rel = RELATIVE.exec(value.trim());
  const ms = rel ? now - Number(rel[1]) * UNIT_SECONDS[rel[2]] * 1000 : /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  // Beyond what a Date can hold is no time at all (it could not be shown back).
  return Number.isFinite(ms) && Math.abs(ms) <= MAX_DATE_MS ? ms : null;
}

/** `since` as `parseSince`, or a 400 naming `field` when it is neither a duration nor a time. */
export function requireSince(value: string, now: number, field: string): number {
  const ms = parseSince(value, now);
  if (ms === null) {
    const message = 'expected a duration such as 1h or 7d, or a time';
    throw new ValidationError(`${field}: ${message}, got "${value}"`, [{ field, message }]);
  }
  return ms;
}
