import type { HeldEvent } from '../detection/detector';
import { above, escalate, escalationContext, needsWindowStats } from '../detection/escalation';
import type { IncidentRecord, StoredEvent } from '../domain/records';
import type { Escalation } from '../schema/rules';
import type { Changes } from './changes';
import type { EngineState } from './engine-state';
import { entry } from './incident-records';
import type { EscalationPoints } from './pending-escalations';
import type { RecentEvents } from './recent-events';

/** A point an escalation is judged at: an event's time, and the event when a condition reads it. */
interface Judged {
  ts: number;
  event?: StoredEvent;
}

/**
 * Raises incidents' severity by their rule's escalations (or the severity matrix): at the end of
 * each step for what the step changed (docs/detection.md, "Escalations"), and at each sweep for
 * what time alone changes. Severity only rises.
 */
export class EscalationJudge {
  constructor(
    private readonly state: EngineState,
    private readonly recent: RecentEvents,
    private readonly prolongedSeconds: number
  ) {}

  /**
   * Judges the escalations of the step's incidents: every event an incident came to hold, with the
   * window statistics at its time, and, where late events grew the windows of events it already held,
   * those events again.
   */
  async judgeStep(changes: Changes, now: number): Promise<void> {
    const { state } = this;
    for (const [id, points] of state.pendingEscalations.take()) {
      const inc = state.active.get(id);
      if (!inc) {
        continue;
      }
      const rule = state.ruleOf(inc);
      const escalations = state.escalationsOf(inc, rule);
      let candidates = above(inc.severity, escalations);
      if (candidates.length === 0) {
        continue;
      }
      const windowed = rule !== undefined && inc.group_key !== null && needsWindowStats(candidates);
      const judged: Judged[] = points.events.map((e) => ({ ts: e.ts, event: e }));
      if (windowed && points.ranges.length > 0) {
        judged.push(...(await this.heldAgain(inc, points, candidates.some((c) => c.when.includes('event.')))));
      }
      for (const { ts, event } of judged) {
        const stats = windowed ? state.detector.windowStats(rule.rule_id, inc.group_key!, ts) : undefined;
        const esc = escalate(inc.severity, candidates, escalationContext(inc, now, rule?.time_window_seconds ?? 300, this.prolongedSeconds, event, stats));
        if (esc) {
          this.raise(inc, esc, changes, now);
          candidates = above(inc.severity, escalations);
          if (candidates.length === 0) {
            break;
          }
        }
      }
    }
  }

  /** What time alone raises (a prolonged incident): the conditions that read no event. */
  judgeTime(inc: IncidentRecord, changes: Changes, now: number): void {
    const rule = this.state.ruleOf(inc);
    // Only escalations that could still raise the severity are evaluated.
    const candidates = above(inc.severity, this.state.escalationsOf(inc, rule));
    if (candidates.length === 0) {
      return;
    }
    const esc = escalate(inc.severity, candidates, escalationContext(inc, now, rule?.time_window_seconds ?? 300, this.prolongedSeconds));
    if (esc) {
      this.raise(inc, esc, changes, now);
    }
  }

  /**
   * The events an incident held before this step whose window grew in it (by their times in the
   * grown ranges): with the full event only when a condition reads it.
   */
  private async heldAgain(inc: IncidentRecord, points: EscalationPoints, readsEvent: boolean): Promise<Judged[]> {
    const seen = new Set(points.events.map((e) => e.seq));
    const again: HeldEvent[] = [];
    const take = (h: HeldEvent) => {
      if (!seen.has(h.seq)) {
        seen.add(h.seq);
        again.push(h);
      }
    };
    const correlated = this.state.correlatedPoints.get(inc.incident_id);
    for (const [from, to] of points.ranges) {
      this.state.detector.heldBetween(inc.rule_id!, inc.group_key!, from, to).forEach(take);
      if (correlated) {
        const hi = correlated.upperBound(to);
        for (let i = correlated.lowerBound(from); i < hi; i++) {
          take({ seq: correlated.seqAt(i), ts: correlated.tsAt(i), source: '' });
        }
      }
    }
    if (!readsEvent) {
      return again.map((h) => ({ ts: h.ts }));
    }
    return (await this.recent.of(again)).map((e) => ({ ts: e.ts, event: e }));
  }

  private raise(inc: IncidentRecord, esc: Escalation, changes: Changes, now: number): void {
    const from = inc.severity;
    inc.severity = esc.to;
    changes.timeline(entry(inc, now, 'severity_escalated', `Severity ${from} -> ${esc.to}${esc.description ? `: ${esc.description}` : ''}`, null, { from, to: esc.to, when: esc.when }));
    changes.touch(inc, now);
    changes.notify(inc, 'severity_changed', { from, to: esc.to, reason: esc.description ?? esc.when });
  }
}
