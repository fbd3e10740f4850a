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
    const counts = new Map<string, number>();
    for (const e of events) {
      counts.set(e.source, (counts.get(e.source) ?? 0) + 1);
    }
    const now = this.clock.now();
    const filled = new Map<string, Bucket>();
    for (const [source, count] of counts) {
      const bucket = this.refill(source, now);
      if (bucket.tokens < count) {
        const wait = Math.min(count, this.burst) - bucket.tokens;
        throw new TooManyRequestsError(
          'rate_limited',
          `source ${JSON.stringify(source)} sends more than ${this.perSecond} events/s (bursts of ${this.burst}): its events are refused for now, other sources go on`,
          Math.max(1, wait / this.perSecond)
        );
      }
      filled.set(source, bucket);
    }
    for (const [source, bucket] of filled) {
      bucket.tokens -= counts.get(source)!;
      this.buckets.delete(source);
      this.buckets.set(source, bucket);
    }
    while (this.buckets.size > MAX_SOURCES) {
      this.buckets.delete(this.buckets.keys().next().value!);
    }
  }

  private refill(source: string, now: number): Bucket {
    const bucket = this.buckets.get(source);
    if (!bucket) {
      return { tokens: this.burst, at: now };
    }
    const elapsed = Math.max(0, now - bucket.at) / 1000;
    return { tokens: Math.min(this.burst, bucket.tokens + elapsed * this.perSecond), at: now };
  }
}
