import type { DetectionRule, RuleTestResult } from '../../schema/rules';
import type { Column, Output } from '../output';

/** The columns of `rules list`: name, type, threshold and window, plus the numbers a rule counts with. */
export function ruleColumns(out: Output): Array<Column<DetectionRule>> {
  return [
    { header: 'Rule ID', value: (r) => r.rule_id },
    { header: 'Name', value: (r) => r.name },
    { header: 'Severity', value: (r) => r.severity, show: (r) => out.severity(r.severity) },
    { header: 'Enabled', value: (r) => r.enabled, show: (r) => (r.enabled ? '✓' : '') },
    { header: 'Threshold', value: (r) => r.error_threshold },
    { header: 'Window', value: (r) => r.time_window_seconds, show: (r) => `${r.time_window_seconds}s` },
  ];
}

type PredictedIncident = RuleTestResult['incidents'][number];

/** The columns of `test-rule`: each incident the rule would open. */
export function predictedColumns(out: Output): Array<Column<PredictedIncident>> {
  return [
    { header: 'Group', value: (i) => i.group_key, show: (i) => i.group_key || '(all)' },
    { header: 'Detected', value: (i) => i.detected_at },
    { header: 'Started', value: (i) => i.started_at },
    { header: 'Events', value: (i) => i.event_count },
    { header: 'Severity', value: (i) => i.severity, show: (i) => out.severity(i.severity) },
    { header: 'Components', value: (i) => i.affected_components.join(', ') },
  ];
}
