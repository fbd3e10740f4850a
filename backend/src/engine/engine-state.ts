import { IncidentCorrelator } from '../correlation/correlator';
import { IncidentDetector } from '../detection/detector';
import { needsWindowStats } from '../detection/escalation';
import { SEVERITY_MATRIX } from '../detection/severity-matrix';
import { TimeWindow } from '../detection/window';
import type { IncidentRecord, StoredEvent } from '../domain/records';
import type { DetectionRule, Escalation } from '../schema/rules';
import type { Changes } from './changes';
import { PendingEscalations } from './pending-escalations';

/**
 * What the engine holds in memory between steps, all of it rebuilt from the store after a restart
 * or a failed commit: the detector's windows, the correlator, the active incidents and what the
 * current step still has to judge.
 */
export class EngineState {
  detector: IncidentDetector;
  correlator = new IncidentCorrelator();
  readonly active = new Map<string, IncidentRecord>();
  /** Incidents whose events changed in the step being processed; their root cause is recomputed once, before the commit. */
  readonly rootCauseStale = new Set<string>();
  readonly pendingEscalations = new PendingEscalations();
  /**
   * Per active incident whose rule's escalations read window statistics, the places of the events it
   * holds by correlation (its rule window marks those it holds by the rule): a late event that grows
   * the window at their time has them judged again.
   */
  readonly correlatedPoints = new Map<string, TimeWindow>();
  /** The number of the last incident opened. */
  counter = 0;
  /** The log position of the event being processed. */
  position = 0;

  constructor(private readonly limits: { retentionSeconds: number; maxEvents: number }) {
    this.detector = this.newDetector();
  }

  /** Forgets everything; `rules` (when given) are installed in the fresh detector. */
  reset(rules?: DetectionRule[]): void {
    this.detector = this.newDetector();
    this.correlator = new IncidentCorrelator();
    this.active.clear();
    this.rootCauseStale.clear();
    this.pendingEscalations.clear();
    this.correlatedPoints.clear();
    if (rules) {
      this.detector.setRules(rules);
    }
  }

  private newDetector(): IncidentDetector {
    return new IncidentDetector({ retentionSeconds: this.limits.retentionSeconds, maxEvents: this.limits.maxEvents });
  }

  nextIncidentId(): string {
    this.counter += 1;
    return `inc_${String(this.counter).padStart(5, '0')}`;
  }

  /** The rule an incident was opened by, when it still exists. */
  ruleOf(inc: IncidentRecord): DetectionRule | undefined {
    return inc.rule_id ? this.detector.rule(inc.rule_id) : undefined;
  }

  /** What may raise an incident's severity: its rule's escalations, or the severity matrix of its type. */
  escalationsOf(inc: IncidentRecord, rule = this.ruleOf(inc)): Escalation[] {
    return rule?.escalations ?? SEVERITY_MATRIX[inc.incident_type];
  }

  /** Whether an incident's escalations read window statistics (so late events can raise it through the windows). */
  readsWindow(inc: IncidentRecord): boolean {
    const rule = this.ruleOf(inc);
    return rule !== undefined && needsWindowStats(this.escalationsOf(inc, rule));
  }

  /** Binds an incident to its rule group: its crossing, the events its window marks as held, and those it holds by correlation. */
  bindGroup(inc: IncidentRecord, crossedAt: number, held: StoredEvent[]): void {
    this.detector.bindIncident(inc.rule_id!, inc.group_key!, inc.incident_id, crossedAt, held);
    this.correlatedPoints.delete(inc.incident_id);
    if (this.readsWindow(inc)) {
      const points = new TimeWindow();
      for (const e of held) {
        if (!this.detector.isHeld(inc.rule_id!, inc.group_key!, e.ts, e.seq)) {
          points.add(e.ts, e.seq);
        }
      }
      this.correlatedPoints.set(inc.incident_id, points);
    }
  }

  /** The incident left the active set: its rule group starts afresh and its events never count again. */
  deactivate(inc: IncidentRecord, changes: Changes): void {
    this.active.delete(inc.incident_id);
    if (this.rootCauseStale.delete(inc.incident_id)) {
      inc.root_cause = this.correlator.rootCause(inc.incident_id);
    }
    this.correlator.untrack(inc.incident_id);
    this.correlatedPoints.delete(inc.incident_id);
    if (inc.rule_id && inc.group_key !== null) {
      this.detector.release(inc.rule_id, inc.group_key, this.position);
      changes.group(inc.rule_id, inc.group_key, { floor_seq: this.position, crossed_at: null });
    }
  }

  refreshRootCauses(): void {
    for (const id of this.rootCauseStale) {
      const inc = this.active.get(id);
      if (inc) {
        inc.root_cause = this.correlator.rootCause(id);
      }
    }
    this.rootCauseStale.clear();
  }
}
