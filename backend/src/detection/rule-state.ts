import type { StoredEvent } from '../domain/records';
import type { DetectionRule, Escalation } from '../schema/rules';
import type { CrossingRule } from './crossing';
import { needsWindowStats } from './escalation';
import { compileMatch } from './matcher';
import { SEVERITY_MATRIX } from './severity-matrix';
import { EventWindow, TimeWindow } from './window';

/** A rule group's counting state. */
export interface GroupState {
  /** Each counted event's (ts, seq), interned source, and whether the active incident holds it. */
  window: EventWindow;
  /** Events at or below this log position are spent: a resolved incident held them. */
  floor: number;
  incidentId: string | null;
  /** The end of the active incident's earliest crossing window (event time). */
  crossedAt: number | null;
}

/** The counting state of one rule. */
export class RuleState {
  readonly selects: (e: StoredEvent) => boolean;
  readonly groups = new Map<string, GroupState>();
  /** Per source (interned), the events this rule did not select: they break consecutive runs. */
  readonly breaks = new Map<number, TimeWindow>();
  readonly needsStats: boolean;
  readonly escalations: Escalation[];
  readonly crossing: CrossingRule;

  constructor(public rule: DetectionRule) {
    this.selects = compileMatch(rule.match);
    this.escalations = rule.escalations ?? SEVERITY_MATRIX[rule.incident_type];
    this.needsStats = needsWindowStats(this.escalations);
    this.crossing = {
      windowMs: 0,
      threshold: 0,
      minComponents: 0,
      lastBreak: rule.require_consecutive ? (source, t) => this.breaks.get(source)?.lastTsAtOrBefore(t) ?? -Infinity : null,
    };
    this.update(rule);
  }

  get windowMs(): number {
    return this.crossing.windowMs;
  }

  /** A new version of the rule that counts the same events: its numbers may differ. */
  update(rule: DetectionRule): void {
    this.rule = rule;
    this.crossing.windowMs = rule.time_window_seconds * 1000;
    this.crossing.threshold = rule.error_threshold;
    this.crossing.minComponents = rule.min_components_affected;
  }

  group(key: string): GroupState {
    let g = this.groups.get(key);
    if (!g) {
      g = { window: new EventWindow(), floor: 0, incidentId: null, crossedAt: null };
      this.groups.set(key, g);
    }
    return g;
  }
}
