import type { StoredEvent } from '../domain/records';
import { isErrorEvent } from '../domain/error-events';

const MINUTE_MS = 60_000;

/**
 * The peak error rate of an incident (0..1): the largest share of error events among all events
 * in any one-minute bucket, the buckets aligned to the minute (UTC epoch minutes).
 *
 * Only buckets that hold at least one event count, and each counts alike, however few its events:
 * a minute with 1 error out of 1 event (1.0) beats a minute with 3 errors out of 4 (0.75).
 * Null when there are no events.
 */
export function peakErrorRate(events: Array<Pick<StoredEvent, 'ts' | 'event_type' | 'severity'>>): number | null {
  if (events.length === 0) {
    return null;
  }
  const buckets = new Map<number, { total: number; errors: number }>();
  for (const e of events) {
    const minute = Math.floor(e.ts / MINUTE_MS);
    const b = buckets.get(minute) ?? { total: 0, errors: 0 };
    b.total += 1;
    if (isErrorEvent(e)) {
      b.errors += 1;
    }
    buckets.set(minute, b);
  }
  let peak = 0;
  for (const b of buckets.values()) {
    peak = Math.max(peak, b.errors / b.total);
  }
  return peak;
}
