import type { DetectionRule } from '../schema/rules';

type Builtin = Pick<
  DetectionRule,
  'rule_id' | 'name' | 'description' | 'incident_type' | 'severity' | 'error_threshold' | 'time_window_seconds' | 'check_interval_seconds' | 'match'
> &
  Partial<DetectionRule>;

function rule(r: Builtin): DetectionRule {
  return {
    require_consecutive: false,
    min_components_affected: 1,
    enabled: true,
    group_by: [],
    auto_resolve: true,
    quiet_period_seconds: null,
    builtin: true,
    from_alert_labels: false,
    ...r,
  };
}

/** The seven built-in detection rules with their numbers, and `external_alert` for webhook alerts. */
export const BUILTIN_RULES: readonly DetectionRule[] = [
  rule({
    rule_id: 'error_burst',
    name: 'Error Burst Detection',
    description: 'Detect sudden bursts of errors',
    incident_type: 'error_burst',
    severity: 'high',
    error_threshold: 10,
    time_window_seconds: 300,
    check_interval_seconds: 60,
    match: { event_types: ['*error'] },
  }),
  rule({
    rule_id: 'service_down',
    name: 'Service Down Detection',
    description: 'Detect when services become unavailable',
    incident_type: 'service_down',
    severity: 'critical',
    error_threshold: 5,
    time_window_seconds: 60,
    check_interval_seconds: 30,
    match: { event_types: ['service_unavailable', 'service_down', 'health_check_failed'] },
  }),
  rule({
    rule_id: 'quality_drop',
    name: 'Quality Drop Detection',
    description: 'Detect drops in code quality metrics',
    incident_type: 'quality_drop',
    severity: 'medium',
    error_threshold: 5,
    time_window_seconds: 600,
    check_interval_seconds: 120,
    match: { event_types: ['quality_check_failed'] },
  }),
  rule({
    rule_id: 'workflow_failure_spike',
    name: 'Workflow Failure Spike',
    description: 'Detect spikes in workflow failures',
    incident_type: 'workflow_failure_spike',
    severity: 'high',
    error_threshold: 8,
    time_window_seconds: 300,
    check_interval_seconds: 60,
    match: { event_types: ['workflow_failed'] },
  }),
  rule({
    rule_id: 'memory_exhaustion',
    name: 'Memory Exhaustion Detection',
    description: 'Detect memory exhaustion issues',
    incident_type: 'memory_exhaustion',
    severity: 'critical',
    error_threshold: 3,
    time_window_seconds: 120,
    check_interval_seconds: 30,
    match: { event_types: ['memory_high', 'memory_exhaustion', 'oom_killed'] },
  }),
  rule({
    rule_id: 'performance_degradation',
    name: 'Performance Degradation',
    description: 'Detect performance degradation',
    incident_type: 'performance_degradation',
    severity: 'medium',
    error_threshold: 10,
    time_window_seconds: 300,
    check_interval_seconds: 60,
    match: { event_types: ['slow_request', 'high_latency'] },
  }),
  rule({
    rule_id: 'disk_space_low',
    name: 'Low Disk Space',
    description: 'Detect low disk space',
    incident_type: 'disk_space_low',
    severity: 'high',
    error_threshold: 3,
    time_window_seconds: 300,
    check_interval_seconds: 60,
    match: { event_types: ['disk_space_low'] },
  }),
  rule({
    rule_id: 'external_alert',
    name: 'External Alert',
    description: 'An alert that Alertmanager or Grafana Alerting already judged to be firing',
    incident_type: 'custom',
    severity: 'medium',
    error_threshold: 1,
    time_window_seconds: 300,
    check_interval_seconds: 30,
    match: { event_types: ['alert_firing'] },
    group_by: ['metadata.group_key'],
    from_alert_labels: true,
  }),
];
