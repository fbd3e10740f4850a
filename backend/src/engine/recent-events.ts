import type { Logger } from 'pino';
import type { HeldEvent } from '../detection/detector';
import type { StoredEvent } from '../domain/records';
import type { EventLookup } from './ports';

/** Full events the engine keeps of those it processed last: what incidents come to hold is mostly among them. */
const RECENT_EVENTS = 4096;

/** Events of one correlation id with an event time in [from, to) that a lookup asks for. */
export interface CorrelatedRange {
  correlationId: string;
  from: number;
  to: number;
}

/**
 * The last few thousand events the engine processed, in log order, indexed by correlation id.
 * Windows hold no events, only their places in the log (ts, seq, source); when an incident comes to
 * hold events, they come from here or, failing that, from the store (events are committed before
 * the engine sees them). The same goes for the earlier events a late correlation id makes join.
 */
export class RecentEvents {
  /** In log order, between RECENT_EVENTS and twice as many. */
  private recent: StoredEvent[] = [];
  private readonly byCorrelation = new Map<string, StoredEvent[]>();
  /**
   * The newest event time among the events no longer kept here: a lookup of events at or after a
   * later time finds them all here. Until the engine says otherwise (at start, the newest stored),
   * nothing is known to be here.
   */
  private forgottenNewestTs = Infinity;

  constructor(
    private readonly log: EventLookup,
    private readonly logger: Logger
  ) {}

  /** Starts afresh; every event stored so far is only in the store, the newest at `storedNewestTs`. */
  reset(storedNewestTs: number | undefined): void {
    this.recent = [];
    this.byCorrelation.clear();
    this.forgottenNewestTs = storedNewestTs ?? -Infinity;
  }

  /** An event the engine is processing (in log order). */
  remember(e: StoredEvent): void {
    if (this.recent.length >= 2 * RECENT_EVENTS) {
      this.forget(this.recent.length - RECENT_EVENTS);
    }
    this.recent.push(e);
    if (e.correlation_id !== null) {
      const list = this.byCorrelation.get(e.correlation_id);
      if (list) {
        list.push(e);
      } else {
        this.byCorrelation.set(e.correlation_id, [e]);
      }
    }
  }

  private forget(n: number): void {
    for (let i = 0; i < n; i++) {
      const e = this.recent[i];
      if (e.ts > this.forgottenNewestTs) {
        this.forgottenNewestTs = e.ts;
      }
      if (e.correlation_id !== null) {
        const list = this.byCorrelation.get(e.correlation_id)!;
        // Forgotten in log order: the oldest of its id is first.
        list.shift();
        if (list.length === 0) {
          this.byCorrelation.delete(e.correlation_id);
        }
      }
    }
    this.recent = this.recent.slice(n);
  }

  /** The full events of these held places, in the order given. */
  async of(held: HeldEvent[]): Promise<StoredEvent[]> {
    const found = new Map<number, StoredEvent>();
    const missing: number[] = [];
    for (const h of held) {
      const e = bySeq(this.recent, h.seq);
      if (e) {
        found.set(h.seq, e);
      } else {
        missing.push(h.seq);
      }
    }
    if (missing.length > 0) {
      for (const e of await this.log.bySeqs(missing)) {
        found.set(e.seq, e);
      }
    }
    return held.map((h) => found.get(h.seq) ?? this.placeholder(h));
  }

  /** The events logged before `beforeSeq` in these ranges, in log order: from memory when it holds them all, else from the store. */
  async correlated(ranges: CorrelatedRange[], beforeSeq: number): Promise<StoredEvent[]> {
    if (ranges.length === 0) {
      return [];
    }
    const from = Math.min(...ranges.map((r) => r.from));
    const inRange = (e: StoredEvent) => e.seq < beforeSeq && ranges.some((r) => r.correlationId === e.correlation_id && e.ts >= r.from && e.ts < r.to);
    if (from > this.forgottenNewestTs) {
      const out: StoredEvent[] = [];
      for (const id of new Set(ranges.map((r) => r.correlationId))) {
        out.push(...(this.byCorrelation.get(id) ?? []).filter(inRange));
      }
      return out.sort((a, b) => a.seq - b.seq);
    }
    const stored = await this.log.correlated([...new Set(ranges.map((r) => r.correlationId))], from, beforeSeq);
    return stored.filter(inRange);
  }

  /** An event no longer stored (the log keeps what windows hold, so this takes a deletion behind the engine's back). */
  private placeholder(h: HeldEvent): StoredEvent {
    this.logger.warn({ seq: h.seq }, 'an event of a detection window is not in the event log');
    return { seq: h.seq, event_id: `seq-${h.seq}`, ts: h.ts, received_at: h.ts, event_type: 'unknown', source: h.source, severity: 'info', message: '', metadata: {}, correlation_id: null };
  }
}

/** The event with this seq among events sorted by seq, if it is there. */
function bySeq(events: StoredEvent[], seq: number): StoredEvent | undefined {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (events[mid].seq < seq) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return events[lo]?.seq === seq ? events[lo] : undefined;
}
