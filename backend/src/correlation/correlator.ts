import type { IncidentRecord, StoredEvent } from '../domain/records';
import type { RootCause } from '../schema/incidents';
import { iso } from '../util/time';

interface Tally {
  count: number;
  /** The earliest event of this key: ties in count go to the key seen earliest. */
  first: StoredEvent;
}

/** What the correlator keeps for one active incident. */
interface CorrelationState {
  byType: Map<string, Tally>;
  bySource: Map<string, Tally>;
  /** Each correlation id the incident holds, with the earliest event time it holds it at. */
  correlationIds: Map<string, number>;
}

function tally(map: Map<string, Tally>, key: string, e: StoredEvent): void {
  const t = map.get(key);
  if (!t) {
    map.set(key, { count: 1, first: e });
    return;
  }
  t.count += 1;
  if (e.ts < t.first.ts || (e.ts === t.first.ts && e.seq < t.first.seq)) {
    t.first = e;
  }
}

function primary(map: Map<string, Tally>): [string, Tally] | null {
  let best: [string, Tally] | null = null;
  for (const entry of map) {
    const [, t] = entry;
    if (
      !best ||
      t.count > best[1].count ||
      (t.count === best[1].count && (t.first.ts < best[1].first.ts || (t.first.ts === best[1].first.ts && t.first.seq < best[1].first.seq)))
    ) {
      best = entry;
    }
  }
  return best;
}

function distribution(map: Map<string, Tally>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, t] of [...map].sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0]))) {
    out[k] = t.count;
  }
  return out;
}

/**
 * The IncidentCorrelator: joins events to incidents by `correlation_id`, computes the root
 * cause (distributions, primary type and source, evidence) as events attach, and MTTD/MTTR.
 */
export class IncidentCorrelator {
  private readonly states = new Map<string, CorrelationState>();
  /** correlation_id -> the active incidents that hold it. */
  private readonly byCorrelation = new Map<string, Set<string>>();

  /** Starts tracking an incident with the events it holds. */
  track(incidentId: string, events: StoredEvent[]): void {
    const st: CorrelationState = { byType: new Map(), bySource: new Map(), correlationIds: new Map() };
    this.states.set(incidentId, st);
    for (const e of events) {
      this.add(incidentId, e);
    }
  }

  /** Counts one more event into an incident. */
  add(incidentId: string, e: StoredEvent): void {
    const st = this.states.get(incidentId);
    if (!st) {
      return;
    }
    tally(st.byType, e.event_type, e);
    tally(st.bySource, e.source, e);
    if (!e.correlation_id) {
      return;
    }
    const first = st.correlationIds.get(e.correlation_id);
    if (first === undefined || e.ts < first) {
      st.correlationIds.set(e.correlation_id, e.ts);
    }
    if (first === undefined) {
      let set = this.byCorrelation.get(e.correlation_id);
      if (!set) {
        set = new Set();
        this.byCorrelation.set(e.correlation_id, set);
      }
      set.add(incidentId);
    }
  }

  /** The active incidents holding this correlation id. */
  correlated(correlationId: string | null): Iterable<string> {
    return (correlationId && this.byCorrelation.get(correlationId)) || [];
  }

  /** The earliest event time at which the incident holds this correlation id, if it holds it. */
  firstHeld(incidentId: string, correlationId: string): number | undefined {
    return this.states.get(incidentId)?.correlationIds.get(correlationId);
  }

  /** The correlation ids the incident holds, each with the earliest event time it holds it at. */
  correlationIds(incidentId: string): ReadonlyMap<string, number> {
    return this.states.get(incidentId)?.correlationIds ?? new Map();
  }

  /** The incident is no longer active: forget it. */
  untrack(incidentId: string): void {
    const st = this.states.get(incidentId);
    if (!st) {
      return;
    }
    for (const cid of st.correlationIds.keys()) {
      const set = this.byCorrelation.get(cid);
      set?.delete(incidentId);
      if (set && set.size === 0) {
        this.byCorrelation.delete(cid);
      }
    }
    this.states.delete(incidentId);
  }

  rootCause(incidentId: string): RootCause | null {
    const st = this.states.get(incidentId);
    return st ? rootCauseOf(st) : null;
  }
}

function rootCauseOf(st: CorrelationState): RootCause {
  const type = primary(st.byType);
  const source = primary(st.bySource);
  const ev = type?.[1].first;
  return {
    primary_error_type: type?.[0] ?? null,
    primary_source: source?.[0] ?? null,
    error_distribution: distribution(st.byType),
    source_distribution: distribution(st.bySource),
    evidence: ev ? { event_id: ev.event_id, timestamp: iso(ev.ts), source: ev.source, message: ev.message } : null,
  };
}

/** Root cause over a list of events, for incidents no longer tracked. */
export function computeRootCause(events: StoredEvent[]): RootCause {
  const st: CorrelationState = { byType: new Map(), bySource: new Map(), correlationIds: new Map() };
  for (const e of events) {
    tally(st.byType, e.event_type, e);
    tally(st.bySource, e.source, e);
  }
  return rootCauseOf(st);
}

/** Mean time to detect: seconds from the first event of the incident to its detection. */
export function mttd(inc: Pick<IncidentRecord, 'detected_at' | 'started_at'>): number {
  return Math.max(0, (inc.detected_at - inc.started_at) / 1000);
}

/** Mean time to resolve: seconds from detection to resolution, null while unresolved. */
export function mttr(inc: Pick<IncidentRecord, 'detected_at' | 'resolved_at'>): number | null {
  return inc.resolved_at === null ? null : Math.max(0, (inc.resolved_at - inc.detected_at) / 1000);
}
