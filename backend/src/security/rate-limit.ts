import type { Clock } from '../util/clock';
import { TooManyRequestsError } from '../util/errors';
import type { RateLimitConfig } from './config';

/** At most this many senders are tracked per kind; the longest idle goes first. */
const MAX_TRACKED = 10_000;

/** Who sends a request's events, beyond the sources the events name. */
export interface Sender {
  /** The key's name; null without a key (no key configured, or Grafana's signed webhook). */
  key: string | null;
  /** The remote address; limited only for a sender without a key. */
  address: string | null;
}

/** A sender the intake does not know: only the per-source limit applies (the engine's own tests). */
export const UNKNOWN_SENDER: Sender = { key: null, address: null };

interface Bucket {
  tokens: number;
  at: number;
}

/** One token bucket per name, refilled at `perSecond` up to `burst`. */
class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly perSecond: number,
    readonly burst: number
  ) {}

  /** The name's tokens at `now`, refilled since it last took some. */
  tokens(name: string, now: number): number {
    const bucket = this.buckets.get(name);
    if (!bucket) {
      return this.burst;
    }
    const elapsed = Math.max(0, now - bucket.at) / 1000;
    return Math.min(this.burst, bucket.tokens + elapsed * this.perSecond);
  }

  /** Seconds until `count` tokens are there (as many as a burst holds, when more are asked). */
  waitFor(name: string, count: number, now: number): number {
    return Math.max(1, (Math.min(count, this.burst) - this.tokens(name, now)) / this.perSecond);
  }

  take(name: string, count: number, now: number): void {
    const tokens = this.tokens(name, now) - count;
    const bucket = this.buckets.get(name);
    if (bucket) {
      // Most recently used last: the first in the map is the longest idle.
      this.buckets.delete(name);
      bucket.tokens = tokens;
      bucket.at = now;
    }
    this.buckets.set(name, bucket ?? { tokens, at: now });
    while (this.buckets.size > MAX_TRACKED) {
      this.buckets.delete(this.buckets.keys().next().value!);
    }
  }
}

/**
 * Token buckets per event source, per key and per address without a key: a sender that floods gets
 * 429 for its own requests while the others go on. The source is what the events say, so a sender
 * that names a new source for every request is held by its key's (or address's) bucket. A request
 * is taken whole or refused whole (no partial batch).
 */
export class IntakeRateLimiter {
  private readonly sources: TokenBuckets;
  private readonly keys: TokenBuckets;
  private readonly addresses: TokenBuckets;

  constructor(
    private readonly clock: Clock,
    cfg: Pick<
      RateLimitConfig,
      | 'events_per_second_per_source'
      | 'burst_per_source'
      | 'events_per_second_per_key'
      | 'burst_per_key'
      | 'events_per_second_per_address'
      | 'burst_per_address'
    >
  ) {
    this.sources = new TokenBuckets(cfg.events_per_second_per_source, cfg.burst_per_source);
    this.keys = new TokenBuckets(cfg.events_per_second_per_key, cfg.burst_per_key);
    this.addresses = new TokenBuckets(cfg.events_per_second_per_address, cfg.burst_per_address);
  }

  /** Takes one token per event from each bucket the request draws on, or throws 429 naming the limit it is over. */
  take(events: ReadonlyArray<{ source: string }>, sender: Sender = UNKNOWN_SENDER): void {
    const now = this.clock.now();
    const counts = countBySource(events);
    for (const [source, count] of counts) {
      if (this.sources.tokens(source, now) < count) {
        throw refused(
          `source ${JSON.stringify(source)}`,
          this.sources,
          'other sources go on (security.rate_limit.events_per_second_per_source)',
          this.sources.waitFor(source, count, now)
        );
      }
    }
    const [buckets, name, who, limit] =
      sender.key !== null
        ? [this.keys, sender.key, `the key ${JSON.stringify(sender.key)}`, 'other keys go on (security.rate_limit.events_per_second_per_key)']
        : [this.addresses, sender.address, `address ${sender.address} (no key)`, 'other addresses go on (security.rate_limit.events_per_second_per_address)'];
    if (name !== null && buckets.tokens(name, now) < events.length) {
      throw refused(who, buckets, `whatever sources it names; ${limit}`, buckets.waitFor(name, events.length, now));
    }
    for (const [source, count] of counts) {
      this.sources.take(source, count, now);
    }
    if (name !== null) {
      buckets.take(name, events.length, now);
    }
  }
}

function refused(who: string, b: TokenBuckets, rest: string, waitSeconds: number): TooManyRequestsError {
  return new TooManyRequestsError(
    'rate_limited',
    `${who} sends more than ${b.perSecond} events/s (bursts of ${b.burst}): its events are refused for now, ${rest}`,
    waitSeconds
  );
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
