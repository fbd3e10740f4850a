import type { Clock } from '../util/clock';
import { TooManyRequestsError } from '../util/errors';

/** At most this many sources are tracked; the longest idle goes first. */
const MAX_SOURCES = 10_000;

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per event source: a source that floods gets 429 for its own requests while the
 * other sources go on. A request is taken whole or refused whole (no partial batch).
 */
export class SourceRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly clock: Clock,
    private readonly perSecond: number,
    private readonly burst: number
  ) {}

  /** Takes one token per event from each source's bucket, or throws 429 naming the first source out of tokens. */
  take(events: ReadonlyArray<{ source: string }>): void {
    const now = this.clock.now();
    const counts = countBySource(events);
    for (const [source, count] of counts) {
      const tokens = this.tokens(source, now);
      if (tokens < count) {
        const wait = Math.min(count, this.burst) - tokens;
        throw new TooManyRequestsError(
          'rate_limited',
          `source ${JSON.stringify(source)} sends more than ${this.perSecond} events/s (bursts of ${this.burst}): its events are refused for now, other sources go on`,
          Math.max(1, wait / this.perSecond)
        );
      }
    }
    for (const [source, count] of counts) {
      const tokens = this.tokens(source, now) - count;
      const bucket = this.buckets.get(source);
      if (bucket) {
        // Most recently used last: the first in the map is the longest idle.
        this.buckets.delete(source);
        bucket.tokens = tokens;
        bucket.at = now;
      }
      this.buckets.set(source, bucket ?? { tokens, at: now });
    }
    while (this.buckets.size > MAX_SOURCES) {
      this.buckets.delete(this.buckets.keys().next().value!);
    }
  }

  /** The source's tokens at `now`, refilled since it last took some. */
  private tokens(source: string, now: number): number {
    const bucket = this.buckets.get(source);
    if (!bucket) {
      return this.burst;
    }
    const elapsed = Math.max(0, now - bucket.at) / 1000;
    return Math.min(this.burst, bucket.tokens + elapsed * this.perSecond);
  }
}

/** Events per source; a request from one source (the usual) needs no map. */
function countBySource(events: ReadonlyArray<{ source: string }>): Iterable<[string, number]> {
  const first = events[0]?.source;
  let i = 1;
  while (i < events.length && events[i].source === first) {
    i++;
  }
  if (i === events.length) {
    return events.length === 0 ? [] : [[first, events.length]];
  }
  const counts = new Map<string, number>();
  for (const e of events) {
    counts.set(e.source, (counts.get(e.source) ?? 0) + 1);
  }
  return counts;
}
