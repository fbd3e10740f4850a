import type { StoredEvent } from '../domain/records';
import type { DetectionRule, Escalation } from '../schema/rules';
import { needsWindowStats } from './escalation';
import { compileMatch, groupKeyOf } from './matcher';
import { SEVERITY_MATRIX } from './severity-matrix';
import { EventWindow, TimeWindow, type Timed } from './window';

/** What the window of a rule group held at one point of event time. */
export interface WindowStats {
  count: number;
  sources: number;
  error_ratio: number;
}

/**
 * An event of a threshold crossing, as the window held it: the full event stays in the store
 * (the engine reads the events of a crossing by `seq` when it opens the incident).
 */
export interface HeldEvent {
  seq: number;
  ts: number;
  source: string;
}

/** What an event did to a rule: attached to its group's active incident, or crossed its threshold. */
export type Detection =
  | { kind: 'attach'; rule: DetectionRule; groupKey: string; incidentId: string }
  | { kind: 'open'; rule: DetectionRule; groupKey: string; held: HeldEvent[]; stats: WindowStats };

interface GroupState {
  /** Each counted event's (ts, seq) and interned source, not the event. */
  window: EventWindow;
  /** Events at or below this log position are spent: a resolved incident held them. */
  floor: number;
  incidentId: string | null;
}

/** The counting state of one rule. */
class RuleState {
  readonly selects: (e: StoredEvent) => boolean;
  readonly groups = new Map<string, GroupState>();
  /** Per source, the events this rule did not select: they break consecutive runs. */
  readonly unselected = new Map<string, TimeWindow>();
  readonly seenSources = new Set<string>();
  readonly trackUnselected: boolean;
  readonly needsStats: boolean;
  readonly escalations: Escalation[];
  readonly windowMs: number;
  newestTs = 0;

  constructor(readonly rule: DetectionRule) {
    this.selects = compileMatch(rule.match);
    this.escalations = rule.escalations ?? SEVERITY_MATRIX[rule.incident_type];
    this.trackUnselected = rule.require_consecutive;
    this.needsStats = needsWindowStats(this.escalations);
    this.windowMs = rule.time_window_seconds * 1000;
  }

  group(key: string): GroupState {
    let g = this.groups.get(key);
    if (!g) {
      g = { window: new EventWindow(), floor: 0, incidentId: null };
      this.groups.set(key, g);
    }
    return g;
  }
}

export interface DetectorOptions {
  /** Events older than this before their arrival count for no window. */
  retentionSeconds: number;
  /** Most events one rule group keeps. */
  maxEvents: number;
}

/**
 * The spec's IncidentDetector: sliding event-time windows per rule and group, evaluated as each
 * event arrives (see docs on detection semantics). It keeps no incidents itself; the engine binds
 * a group to its active incident and releases it on resolution.
 */
export class IncidentDetector {
  private states = new Map<string, RuleState>();
  /** Every countable event by source, kept only while some rule's escalations use window ratios. */
  private readonly bySource = new Map<string, TimeWindow>();
  private trackAll = false;
  private newestTs = 0;
  private readonly retentionMs: number;
  /** Interned sources: windows hold a source as its index here. Grows as `seenSources` does, by distinct source. */
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
        (old as { rule: DetectionRule }).rule = rule;
      } else {
        const st = new RuleState(rule);
        if (old) {
          for (const [key, g] of old.groups) {
            if (g.incidentId || g.floor) {
              Object.assign(st.group(key), { floor: g.floor, incidentId: g.incidentId });
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

  bindIncident(ruleId: string, groupKey: string, incidentId: string): void {
    const st = this.states.get(ruleId);
    if (st) {
      st.group(groupKey).incidentId = incidentId;
    }
  }

  /** The incident resolved: its events never count again, and the group starts afresh. */
  release(ruleId: string, groupKey: string, floorSeq: number): void {
    const st = this.states.get(ruleId);
    const g = st?.groups.get(groupKey);
    if (st && g) {
      g.window.clear();
      g.incidentId = null;
      g.floor = Math.max(g.floor, floorSeq);
    }
  }

  /**
   * Counts an event into every enabled rule that selects it. With `live` false (rebuilding after a
   * restart) it only counts, since what the event caused is already stored.
   */
  observe(e: StoredEvent, live: boolean, onlyRule?: string): Detection[] {
    const out: Detection[] = [];
    const countable = e.ts >= e.received_at - this.retentionMs;
    if (this.trackAll && countable && !onlyRule) {
      let w = this.bySource.get(e.source);
      if (!w) {
        w = new TimeWindow();
        this.bySource.set(e.source, w);
      }
      w.add(e.ts, e.seq);
      this.newestTs = Math.max(this.newestTs, e.ts);
    }
    for (const st of this.states.values()) {
      if (!st.rule.enabled || (onlyRule && st.rule.rule_id !== onlyRule)) {
        continue;
      }
      if (!st.selects(e)) {
        if (st.trackUnselected && st.seenSources.has(e.source) && countable) {
          let u = st.unselected.get(e.source);
          if (!u) {
            u = new TimeWindow();
            st.unselected.set(e.source, u);
          }
          u.add(e.ts, e.seq);
        }
        continue;
      }
      if (!countable) {
        continue;
      }
      const key = groupKeyOf(st.rule.group_by, e);
      const g = st.group(key);
      if (e.seq <= g.floor) {
        continue;
      }
      st.seenSources.add(e.source);
      g.window.add(e.ts, e.seq, this.sourceId(e.source));
      st.newestTs = Math.max(st.newestTs, e.ts);
      if (!live) {
        continue;
      }
      if (g.incidentId) {
        out.push({ kind: 'attach', rule: st.rule, groupKey: key, incidentId: g.incidentId });
        continue;
      }
      const crossing = this.crossing(st, g, e.ts);
      if (crossing) {
        out.push({ kind: 'open', rule: st.rule, groupKey: key, held: crossing, stats: this.stats(st, g, e.ts) });
      }
    }
    return out;
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

  /** The events of a threshold crossing at time `at`, or null when the rule does not fire. */
  private crossing(st: RuleState, g: GroupState, at: number): HeldEvent[] | null {
    const { rule } = st;
    const w = g.window;
    const lo = w.lowerBound(at - st.windowMs);
    const hi = w.upperBound(at);
    // The positions of the counted events; all of [lo, hi) unless runs are required.
    let counted: number[] | null = null;
    if (rule.require_consecutive) {
      counted = this.trailingRuns(st, w, lo, hi, at);
      if (counted.length < rule.error_threshold) {
        return null;
      }
    } else if (Math.max(0, hi - lo) < rule.error_threshold) {
      return null;
    }
    if (rule.min_components_affected > 1) {
      const sources = new Set<number>();
      if (counted) {
        for (const i of counted) {
          sources.add(w.sourceAt(i));
        }
      } else {
        for (let i = lo; i < hi; i++) {
          sources.add(w.sourceAt(i));
        }
      }
      if (sources.size < rule.min_components_affected) {
        return null;
      }
    }
    const held: HeldEvent[] = [];
    const push = (i: number) => held.push({ seq: w.seqAt(i), ts: w.tsAt(i), source: this.sourceNames[w.sourceAt(i)] });
    if (counted) {
      counted.forEach(push);
    } else {
      for (let i = lo; i < hi; i++) {
        push(i);
      }
    }
    // Events already in the window with later timestamps (arrived out of order) belong to the burst too.
    for (let i = hi; i < w.end; i++) {
      push(i);
    }
    return held;
  }

  /** The positions in [lo, hi) of each source's events after the last event of that source the rule did not select. */
  private trailingRuns(st: RuleState, w: EventWindow, lo: number, hi: number, at: number): number[] {
    const point = { ts: at, seq: Number.MAX_SAFE_INTEGER };
    const lastBreak = new Map<number, Timed | undefined>();
    const out: number[] = [];
    for (let i = lo; i < hi; i++) {
      const src = w.sourceAt(i);
      if (!lastBreak.has(src)) {
        lastBreak.set(src, st.unselected.get(this.sourceNames[src])?.lastAtOrBefore(point));
      }
      const b = lastBreak.get(src);
      const ts = w.tsAt(i);
      if (!b || b.ts < ts || (b.ts === ts && b.seq < w.seqAt(i))) {
        out.push(i);
      }
    }
    return out;
  }

  /** The window statistics escalations may use, at event time `at`. */
  private stats(st: RuleState, g: GroupState, at: number): WindowStats {
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
      total += this.bySource.get(this.sourceNames[s])?.countBetween(from, at) ?? 0;
    }
    total = Math.max(total, count);
    return { count, sources: sources.size, error_ratio: total ? count / total : 0 };
  }

  windowStats(ruleId: string, groupKey: string, at: number): WindowStats | undefined {
    const st = this.states.get(ruleId);
    const g = st?.groups.get(groupKey);
    return st && g ? this.stats(st, g, at) : undefined;
  }

  /** Drops what has left every window; forgets idle groups. */
  prune(): void {
    const maxWindow = Math.max(this.retentionMs, ...[...this.states.values()].map((st) => st.windowMs));
    for (const [src, w] of this.bySource) {
      w.prune(this.newestTs - maxWindow, this.opts.maxEvents);
      if (w.size === 0) {
        this.bySource.delete(src);
      }
    }
    for (const st of this.states.values()) {
      const cutoff = st.newestTs - Math.max(this.retentionMs, st.windowMs);
      for (const [key, g] of st.groups) {
        g.window.prune(cutoff, this.opts.maxEvents);
        if (g.window.size === 0 && !g.incidentId && g.floor === 0) {
          st.groups.delete(key);
        }
      }
      for (const [src, u] of st.unselected) {
        u.prune(cutoff, this.opts.maxEvents);
        if (u.size === 0) {
          st.unselected.delete(src);
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
