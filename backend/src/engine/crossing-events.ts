import type { Logger } from 'pino';
import type { Detection } from '../detection/detector';
import type { StoredEvent } from '../domain/records';
import type { EventLog } from '../store/event-log';

/** Full events the engine keeps of those it processed last: a crossing's events are mostly among them. */
const RECENT_EVENTS = 4096;

type Crossing = Extract<Detection, { kind: 'open' }>;

/**
 * The stored events of threshold crossings. Windows hold no events, only their places in the log
 * (ts, seq, source); when a rule fires, its events come from the last few thousand the engine
 * processed or, failing that, from the store (events are committed before the engine sees them).
 */
export class CrossingEvents {
  /** In log order, between RECENT_EVENTS and twice as many. */
  private recent: StoredEvent[] = [];

  constructor(
    private readonly log: EventLog,
    private readonly logger: Logger
  ) {}

  /** An event the engine is processing (in log order). */
  remember(e: StoredEvent): void {
    if (this.recent.length >= 2 * RECENT_EVENTS) {
      this.recent = this.recent.slice(-RECENT_EVENTS);
    }
    this.recent.push(e);
  }

  clear(): void {
    this.recent = [];
  }

  /** Each crossing among `detections` with its events, in the order the detector gave them. */
  async of(detections: Detection[]): Promise<Map<Crossing, StoredEvent[]>> {
    const found = new Map<number, StoredEvent>();
    const missing = new Set<number>();
    const crossings = detections.filter((d): d is Crossing => d.kind === 'open');
    for (const d of crossings) {
      for (const h of d.held) {
        if (found.has(h.seq)) {
          continue;
        }
        const e = bySeq(this.recent, h.seq);
        if (e) {
          found.set(h.seq, e);
        } else {
          missing.add(h.seq);
        }
      }
    }
    if (missing.size > 0) {
      for (const e of await this.log.bySeqs([...missing])) {
        found.set(e.seq, e);
      }
    }
    return new Map(crossings.map((d) => [d, d.held.map((h): StoredEvent => found.get(h.seq) ?? this.placeholder(d, h))]));
  }

  /** An event no longer stored (the log keeps what windows hold, so this takes a deletion behind the engine's back). */
  private placeholder(d: Crossing, h: Crossing['held'][number]): StoredEvent {
    this.logger.warn({ seq: h.seq, rule_id: d.rule.rule_id }, 'an event of a detection window is not in the event log');
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
