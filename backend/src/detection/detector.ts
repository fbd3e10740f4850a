import type { StoredEvent } from '../domain/records';
import type { DetectionRule } from '../schema/rules';
import { countedAt, countsAt, earliestCrossing } from './crossing';
import { groupKeyOf } from './matcher';
import { RuleState, type GroupState } from './rule-state';
import { EventWindow, TimeWindow } from './window';

/** What the window of a rule group held at one point of event time. */
export interface WindowStats {
  count: number;
  sources: number;
  error_ratio: number;
}

/**
 * An event that an incident holds, as the window held it: the full event stays in the store (the
 * engine reads the events it has not got at hand by `seq`).
 */
export interface HeldEvent {
  seq: number;
  ts: number;
  source: string;
}

/**
 * What an event did to a rule group: its events crossed the threshold (open an incident holding
 * `held`), or the group's active incident holds more events (`held`: the event itself or, when a
 * late event completed an earlier window, every event that window and those after it add).
 * `crossedAt` is the end of the incident's earliest crossing window (`crossedBefore`, before this
 * event moved it back).
 */
export type Detection =
  | { kind: 'open'; rule: DetectionRule; groupKey: string; held: HeldEvent[]; crossedAt: number }
  | { kind: 'attach'; rule: DetectionRule; groupKey: string; incidentId: string; held: HeldEvent[]; crossedAt: number; crossedBefore: number }
  /** Counted in the window of a group whose incident does not hold it: said only when the rule's escalations read window statistics. */
  | { kind: 'counted'; rule: DetectionRule; groupKey: string; incidentId: string };

export interface DetectorOptions {
  /** Events older than this before their arrival count for no window. */
  retentionSeconds: number;
  /** Most events one rule group keeps. */
  maxEvents: number;
}

/**
 * The IncidentDetector: sliding event-time windows per rule and group, evaluated as each event
 * arrives, whatever the order of arrival (docs/detection.md): an event completes every window
 * that contains it, also those ending at events that arrived before it. It keeps no incidents
 * itself; the engine binds a group to its active incident and releases it on resolution, and the
 * window marks the events that incident holds.
 */
export class IncidentDetector {
  private states = new Map<string, RuleState>();
  /** Every countable event by source (interned), kept only while some rule's escalations use window ratios. */
  private readonly bySource = new Map<number, TimeWindow>();
  private trackAll = false;
  /** The newest event time counted: what is older than every window a new event can complete is dropped. */
  private newestTs = 0;
  private readonly retentionMs: number;
  /** Interned sources: windows hold a source as its index here. Grows by distinct source. */
  private readonly sourceIds = new Map<string, number>();
  private readonly sourceNames: string[] = [];

  constructor(private readonly opts: DetectorOptions) {
    this.retentionMs = opts.retentionSeconds * 1000;
  }

  /** Installs rules; a rule whose definition changed starts counting afresh. Returns the ids that did. */
  setRules(rules: DetectionRule[]): string[] {
    const next = new Map<string, RuleState>();
    const fresh: string[] = [];
    for (const rule of rules) {
      const old = this.states.get(rule.rule_id);
      if (old && sameCounting(old.rule, rule)) {
        next.set(rule.rule_id, old);
        old.update(rule);
      } else {
        const st = new RuleState(rule);
        if (old) {
          for (const [key, g] of old.groups) {
            if (g.incidentId || g.floor) {
              Object.assign(st.group(key), { floor: g.floor, incidentId: g.incidentId, crossedAt: g.crossedAt });
            }
          }
        }
        next.set(rule.rule_id, st);
        fresh.push(rule.rule_id);
      }
    }
    this.states = next;
    this.trackAll = [...next.values()].some((st) => st.needsStats);
    if (!this.trackAll) {
      this.bySource.clear();
    }
    return fresh;
  }

  rule(ruleId: string): DetectionRule | undefined {
    return this.states.get(ruleId)?.rule;
  }

  setFloor(ruleId: string, groupKey: string, floorSeq: number): void {
    const st = this.states.get(ruleId);
    if (st) {
      st.group(groupKey).floor = floorSeq;
    }
  }

  /**
   * Binds a group to its active incident (after a restart or a rule change): `crossedAt` as stored,
   * and the incident's events marked held where the window has them.
   */
  bindIncident(ruleId: string, groupKey: string, incidentId: string, crossedAt: number, held: ReadonlyArray<{ ts: number; seq: number }> = []): void {
    const st = this.states.get(ruleId);
    if (!st) {
      return;
    }
    const g = st.group(groupKey);
    g.incidentId = incidentId;
    g.crossedAt = crossedAt;
    for (const h of held) {
      const i = g.window.positionOf(h.ts, h.seq);
      if (i >= 0) {
        g.window.setHeld(i);
      }
    }
  }

  /** The incident resolved: its events never count again, and the group starts afresh. */
  release(ruleId: string, groupKey: string, floorSeq: number): void {
    const g = this.states.get(ruleId)?.groups.get(groupKey);
    if (g) {
      g.window.clear();
      g.incidentId = null;
      g.crossedAt = null;
      g.floor = Math.max(g.floor, floorSeq);
    }
  }

  /** The end of the group's active incident's earliest crossing window, if it has one. */
  crossedAt(ruleId: string, groupKey: string): number | null {
    return this.states.get(ruleId)?.groups.get(groupKey)?.crossedAt ?? null;
  }

  /** Whether the group's active incident holds the event (ts, seq), as far as its window knows. */
  isHeld(ruleId: string, groupKey: string, ts: number, seq: number): boolean {
    const w = this.states.get(ruleId)?.groups.get(groupKey)?.window;
    const i = w ? w.positionOf(ts, seq) : -1;
    return i >= 0 && w!.heldAt(i);
  }

  /**
   * The group's active incident holds this event by another way (its correlation id): marked, so
   * that a crossing that moves back over it does not hand it over a second time.
   */
  markHeld(ruleId: string, groupKey: string, ts: number, seq: number): void {
    const w = this.states.get(ruleId)?.groups.get(groupKey)?.window;
    const i = w ? w.positionOf(ts, seq) : -1;
    if (i >= 0) {
      w!.setHeld(i);
    }
  }

  /** The events the group's active incident holds with event times in [from, to], in (ts, seq) order. */
  heldBetween(ruleId: string, groupKey: string, from: number, to: number): HeldEvent[] {
    const w = this.states.get(ruleId)?.groups.get(groupKey)?.window;
    const out: HeldEvent[] = [];
    if (w) {
      const hi = w.upperBound(to);
      for (let i = w.lowerBound(from); i < hi; i++) {
        if (w.heldAt(i)) {
          out.push(this.point(w, i));
        }
      }
    }
    return out;
  }

  /**
   * Counts an event into every enabled rule that selects it. With `live` false (rebuilding after a
   * restart) it only counts, since what the event caused is already stored.
   */
  observe(e: StoredEvent, live: boolean, onlyRule?: string): Detection[] {
    const out: Detection[] = [];
    // An event older than the retention before its arrival counts for no window, nor breaks a run.
    if (e.ts < e.received_at - this.retentionMs) {
      return out;
    }
    // Interned on first use (most events are selected by no rule), without a closure per event.
    let source = -1;
    if (e.ts > this.newestTs) {
      this.newestTs = e.ts;
    }
    if (this.trackAll && !onlyRule) {
      source = this.sourceId(e.source);
      let w = this.bySource.get(source);
      if (!w) {
        w = new TimeWindow();
        this.bySource.set(source, w);
      }
      w.add(e.ts, e.seq);
    }
    for (const st of this.states.values()) {
      if (!st.rule.enabled || (onlyRule && st.rule.rule_id !== onlyRule)) {
        continue;
      }
      if (!st.selects(e)) {
        if (st.rule.require_consecutive) {
          if (source < 0) {
            source = this.sourceId(e.source);
          }
          let b = st.breaks.get(source);
          if (!b) {
            b = new TimeWindow();
            st.breaks.set(source, b);
          }
          b.add(e.ts, e.seq);
        }
        continue;
      }
      const key = groupKeyOf(st.rule.group_by, e);
      const g = st.group(key);
      if (e.seq <= g.floor) {
        continue;
      }
      if (source < 0) {
        source = this.sourceId(e.source);
      }
      const at = g.window.add(e.ts, e.seq, source);
      if (!live) {
        continue;
      }
      const d = g.incidentId ? this.attach(st, g, key, e, at) : this.open(st, g, key, e);
      if (d) {
        out.push(d);
      }
    }
    return out;
  }

  /** The group has no incident: the event opens one if it completes a window (there was none before it). */
  private open(st: RuleState, g: GroupState, groupKey: string, e: StoredEvent): Detection | null {
    const t = earliestCrossing(g.window, st.crossing, e.ts, e.ts + st.windowMs);
    if (t === null) {
      return null;
    }
    g.crossedAt = t;
    return { kind: 'open', rule: st.rule, groupKey, held: this.hold(st, g, t), crossedAt: t };
  }

  /**
   * The group's incident holds the event when it lies after the incident's crossing or counts in
   * its crossing window; an earlier event that completes an earlier window moves the crossing back,
   * and the incident holds what that window and the ones after it add. Otherwise the event is only
   * counted (it is older than the incident, as it would be had it arrived in time).
   */
  private attach(st: RuleState, g: GroupState, groupKey: string, e: StoredEvent, at: number): Detection | null {
    const crossed = g.crossedAt!;
    const base = { kind: 'attach' as const, rule: st.rule, groupKey, incidentId: g.incidentId! };
    // Only an event before the crossing can complete a window that ends before it.
    const t = e.ts < crossed ? earliestCrossing(g.window, st.crossing, e.ts, e.ts + st.windowMs, crossed) : null;
    if (t !== null) {
      g.crossedAt = t;
      return { ...base, held: this.hold(st, g, t), crossedAt: t, crossedBefore: crossed };
    }
    if (e.ts > crossed || countsAt(g.window, st.crossing, at, crossed)) {
      g.window.setHeld(at);
      return { ...base, held: [this.point(g.window, at)], crossedAt: crossed, crossedBefore: crossed };
    }
    return st.needsStats ? { kind: 'counted', rule: st.rule, groupKey, incidentId: g.incidentId! } : null;
  }

  /** Marks held, and returns, what the incident crossing at `t` holds and did not yet: the events counted at `t` and every later one. */
  private hold(st: RuleState, g: GroupState, t: number): HeldEvent[] {
    const w = g.window;
    const out: HeldEvent[] = [];
    const take = (i: number) => {
      if (!w.heldAt(i)) {
        w.setHeld(i);
        out.push(this.point(w, i));
      }
    };
    countedAt(w, st.crossing, t).forEach(take);
    for (let i = w.upperBound(t); i < w.end; i++) {
      take(i);
    }
    return out;
  }

  private point(w: EventWindow, i: number): HeldEvent {
    return { seq: w.seqAt(i), ts: w.tsAt(i), source: this.sourceNames[w.sourceAt(i)] };
  }

  private sourceId(source: string): number {
    let id = this.sourceIds.get(source);
    if (id === undefined) {
      id = this.sourceNames.length;
      this.sourceIds.set(source, id);
      this.sourceNames.push(source);
    }
    return id;
  }

  /**
   * The window statistics escalations may use, at event time `at`: the group's events in
   * [at - window, at], their distinct sources, and their share of everything those sources sent then.
   */
  windowStats(ruleId: string, groupKey: string, at: number): WindowStats | undefined {
    const st = this.states.get(ruleId);
    const g = st?.groups.get(groupKey);
    if (!st || !g) {
      return undefined;
    }
    const from = at - st.windowMs;
    const w = g.window;
    const lo = w.lowerBound(from);
    const hi = w.upperBound(at);
    const count = Math.max(0, hi - lo);
    const sources = new Set<number>();
    for (let i = lo; i < hi; i++) {
      sources.add(w.sourceAt(i));
    }
    let total = 0;
    for (const s of sources) {
      total += this.bySource.get(s)?.countBetween(from, at) ?? 0;
    }
    total = Math.max(total, count);
    return { count, sources: sources.size, error_ratio: total ? count / total : 0 };
  }

  /**
   * Drops what no window a new event can complete still needs: a countable event is at most the
   * retention older than the newest, the windows it completes reach one window further back, and
   * the statistics of the events they hold one more.
   */
  prune(): void {
    let widest = 0;
    for (const st of this.states.values()) {
      widest = Math.max(widest, st.windowMs);
    }
    for (const [src, w] of this.bySource) {
      w.prune(this.newestTs - this.retentionMs - 2 * widest, this.opts.maxEvents);
      if (w.size === 0) {
        this.bySource.delete(src);
      }
    }
    for (const st of this.states.values()) {
      const cutoff = this.newestTs - this.retentionMs - 2 * st.windowMs;
      for (const [key, g] of st.groups) {
        g.window.prune(cutoff, this.opts.maxEvents);
        if (g.window.size === 0 && !g.incidentId && g.floor === 0) {
          st.groups.delete(key);
        }
      }
      for (const [src, b] of st.breaks) {
        b.prune(cutoff, this.opts.maxEvents);
        if (b.size === 0) {
          st.breaks.delete(src);
        }
      }
    }
  }

  /** The oldest event time any rule group's window holds (the stored events from there on must stay), if any. */
  oldestHeldTs(): number | undefined {
    let oldest: number | undefined;
    for (const st of this.states.values()) {
      for (const g of st.groups.values()) {
        const ts = g.window.oldestTs();
        if (ts !== undefined && (oldest === undefined || ts < oldest)) {
          oldest = ts;
        }
      }
    }
    return oldest;
  }

  /** Events held in windows, for the metrics. */
  heldEvents(): number {
    let n = 0;
    for (const st of this.states.values()) {
      for (const g of st.groups.values()) {
        n += g.window.size;
      }
    }
    return n;
  }
}

/** Whether two versions of a rule count the same events the same way (so windows can be kept). */
function sameCounting(a: DetectionRule, b: DetectionRule): boolean {
  return (
    JSON.stringify([a.match, a.group_by, a.enabled, a.require_consecutive, a.escalations ?? null]) ===
    JSON.stringify([b.match, b.group_by, b.enabled, b.require_consecutive, b.escalations ?? null])
  );
}
