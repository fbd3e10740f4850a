import type { StoredEvent } from '../domain/records';

/** What one incident's escalations are judged on at the end of a step. */
export interface EscalationPoints {
  /** Events the incident came to hold in the step: each is judged, with the window at its time. */
  events: StoredEvent[];
  /** Event-time ranges whose window statistics grew in the step: the events held there are judged again. */
  ranges: Array<[number, number]>;
}

/**
 * The escalation checks a step collects. They run once, at the end of the step, against the windows
 * as they then stand, so that the events of one request are judged together whatever their order
 * inside it, and a late event's effect on the windows of events already held is seen.
 */
export class PendingEscalations {
  private readonly pending = new Map<string, EscalationPoints>();

  private of(incidentId: string): EscalationPoints {
    let p = this.pending.get(incidentId);
    if (!p) {
      p = { events: [], ranges: [] };
      this.pending.set(incidentId, p);
    }
    return p;
  }

  /** The incident came to hold these events. */
  held(incidentId: string, events: StoredEvent[]): void {
    this.of(incidentId).events.push(...events);
  }

  /** An event joined the incident's rule window at `ts`: the windows ending in [ts, ts + window] grew. */
  windowGrew(incidentId: string, ts: number, windowMs: number): void {
    const ranges = this.of(incidentId).ranges;
    const last = ranges[ranges.length - 1];
    // Events mostly arrive in order: extend the last range rather than add one per event.
    if (last && ts >= last[0] && ts <= last[1]) {
      last[1] = Math.max(last[1], ts + windowMs);
    } else {
      ranges.push([ts, ts + windowMs]);
    }
  }

  /** Everything collected, once; the next step starts empty. */
  take(): Map<string, EscalationPoints> {
    const out = new Map(this.pending);
    this.pending.clear();
    return out;
  }

  clear(): void {
    this.pending.clear();
  }
}
