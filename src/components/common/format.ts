import { dateTimeFormat } from '@grafana/data';

/** Seconds as the CLI's tables write them: 42s, 2.3m, 45.2m, 1.5h, 2d; a dash when unknown. */
export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) {
    return '–';
  }
  if (seconds < 60) {
    return `${round1(seconds)}s`;
  }
  if (seconds < 3600) {
    return `${round1(seconds / 60)}m`;
  }
  if (seconds < 86400) {
    return `${round1(seconds / 3600)}h`;
  }
  return `${round1(seconds / 86400)}d`;
}

/** An API time (ISO 8601) in the user's time zone; a dash when unset. */
export function formatTime(iso: string | null | undefined): string {
  return iso ? dateTimeFormat(iso) : '–';
}

/** Seconds from `iso` to `now` (epoch ms), never negative. */
export function secondsSince(iso: string, now: number): number {
  return Math.max(0, (now - Date.parse(iso)) / 1000);
}

function round1(n: number): string {
  return String(Math.round(n * 10) / 10);
}
