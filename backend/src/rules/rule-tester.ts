import { IncidentDetector } from '../detection/detector';
import { above, escalate, escalationContext } from '../detection/escalation';
import { compileMatch } from '../detection/matcher';
import { SEVERITY_MATRIX } from '../detection/severity-matrix';
import type { StoredEvent } from '../domain/records';
import { normalizeEvent } from '../ingest/normalize';
import { IncidentEventInputSchema } from '../schema/events';
import type { DetectionRule, RuleTestResult } from '../schema/rules';
import type { Severity } from '../schema/enums';
import { ValidationError, type FieldProblem } from '../util/errors';
import { eventTime, iso } from '../util/time';

interface Simulated {
  group_key: string;
  detected_at: number;
  started_at: number;
  event_count: number;
  triggering_event_id: string;
  severity: Severity;
  components: Set<string>;
  last_event_at: number;
  open: boolean;
}

/**
 * Replays recorded events through the same detector the engine uses and tells which incidents a
 * rule would open, when, and from how many events (a backtest). Events count as arriving at their
 * own timestamps, in the order given; an incident resolves on its own after twice the quiet period
 * without a matching event, as the engine's recovery would resolve it.
 */
export function testRule(rule: DetectionRule, rawEvents: unknown[], opts: { retentionSeconds: number; maxEvents: number; now: number }): RuleTestResult {
  const problems: FieldProblem[] = [];
  const events: StoredEvent[] = [];
  rawEvents.forEach((raw, i) => {
    const r = IncidentEventInputSchema.safeParse(raw);
    if (!r.success) {
      problems.push(...ValidationError.fromZod(r.error, `events[${i}]`).details!);
      return;
    }
    events.push({ ...normalizeEvent(r.data, eventTime(r.data.timestamp, opts.now)), event_id: r.data.event_id ?? `event_${i}`, seq: i + 1 });
  });
  if (problems.length) {
    throw new ValidationError(`${problems[0].field}: ${problems[0].message}`, problems);
  }
  const live = { ...rule, enabled: true };
  const detector = new IncidentDetector({ retentionSeconds: opts.retentionSeconds, maxEvents: opts.maxEvents });
  detector.setRules([live]);
  const quietMs = (rule.quiet_period_seconds ?? rule.time_window_seconds) * 1000;
  const escalations = rule.escalations ?? SEVERITY_MATRIX[rule.incident_type];
  const incidents: Simulated[] = [];
  const open = new Map<string, Simulated>();
  const selects = compileMatch(rule.match);
  const matched = events.filter(selects).length;
  let prevSeq = 0;
  for (const e of events) {
    if (rule.auto_resolve && !rule.from_alert_labels) {
      for (const [key, inc] of open) {
        if (e.ts - inc.last_event_at >= 2 * quietMs) {
          inc.open = false;
          open.delete(key);
          detector.release(rule.rule_id, key, prevSeq);
        }
      }
    }
    for (const d of detector.observe(e, true)) {
      if (d.kind === 'counted') {
        continue;
      }
      const held = d.held.map((h) => events[h.seq - 1]);
      let inc: Simulated;
      if (d.kind === 'attach') {
        inc = open.get(d.groupKey)!;
        inc.event_count += held.length;
      } else {
        inc = {
          group_key: d.groupKey,
          detected_at: e.ts,
          started_at: e.ts,
          event_count: held.length,
          triggering_event_id: e.event_id,
          severity: rule.from_alert_labels ? (e.severity === 'info' ? 'low' : e.severity) : rule.severity,
          components: new Set(),
          last_event_at: e.ts,
          open: true,
        };
        detector.bindIncident(rule.rule_id, d.groupKey, `test_${incidents.length + 1}`, d.crossedAt);
        open.set(d.groupKey, inc);
        incidents.push(inc);
      }
      for (const h of held) {
        inc.components.add(h.source);
        inc.started_at = Math.min(inc.started_at, h.ts);
        inc.last_event_at = Math.max(inc.last_event_at, h.ts);
        // Each event the incident comes to hold is judged with the window at its time, as the engine
        // does, while an escalation could still raise it (the window statistics cost a pass over it).
        if (above(inc.severity, escalations).length === 0) {
          continue;
        }
        const subject = { incident_type: rule.incident_type, severity: inc.severity, event_count: inc.event_count, detected_at: inc.detected_at, last_event_at: inc.last_event_at, affected_components: [...inc.components] };
        const stats = detector.windowStats(rule.rule_id, d.groupKey, h.ts);
        const esc = escalate(inc.severity, escalations, escalationContext(subject, e.ts, rule.time_window_seconds, Infinity, h, stats));
        inc.severity = esc?.to ?? inc.severity;
      }
    }
    prevSeq = e.seq;
  }
  return {
    rule_id: rule.rule_id,
    events_evaluated: events.length,
    events_matched: matched,
    incidents: incidents.map((i) => ({
      group_key: i.group_key,
      detected_at: iso(i.detected_at),
      started_at: iso(i.started_at),
      event_count: i.event_count,
      triggering_event_id: i.triggering_event_id,
      severity: i.severity,
      affected_components: [...i.components],
    })),
  };
}
