/**
 * The wire vocabulary as plain data, without zod: the plugin bundles it (display names, filter
 * choices) and the zod schemas in `enums.ts` are built from it.
 */

/** The incident types: the 15 rows of the severity assignment matrix, plus `custom`. */
export const INCIDENT_TYPES = [
  'error_burst',
  'service_down',
  'quality_drop',
  'workflow_failure_spike',
  'memory_exhaustion',
  'performance_degradation',
  'disk_space_low',
  'database_connection_fail',
  'api_rate_limit',
  'cache_failure',
  'network_partition',
  'deadlock_detected',
  'resource_leak',
  'security_breach',
  'data_corruption',
  'custom',
] as const;

/** Incident severities, lowest first (the order matters: severity only rises on its own). */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

/** Event severities: an event may also be merely informational. */
export const EVENT_SEVERITIES = ['info', ...SEVERITIES] as const;

/** The eight statuses of an incident, in the order of the response workflow. */
export const INCIDENT_STATUSES = [
  'detected',
  'assessing',
  'containing',
  'investigating',
  'remediating',
  'recovering',
  'resolved',
  'closed',
] as const;

export type IncidentType = (typeof INCIDENT_TYPES)[number];
export type Severity = (typeof SEVERITIES)[number];
export type EventSeverity = (typeof EVENT_SEVERITIES)[number];
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** Statuses that count as "active": neither resolved nor closed. */
export const ACTIVE_STATUSES: readonly IncidentStatus[] = INCIDENT_STATUSES.filter(
  (s) => s !== 'resolved' && s !== 'closed'
);

export function isActiveStatus(status: IncidentStatus): boolean {
  return status !== 'resolved' && status !== 'closed';
}

export function severityRank(s: EventSeverity): number {
  return EVENT_SEVERITIES.indexOf(s);
}

/** Human names of the types, as tables and titles write them. */
export const INCIDENT_TYPE_NAMES: Record<IncidentType, string> = {
  error_burst: 'Error Burst',
  service_down: 'Service Down',
  quality_drop: 'Quality Drop',
  workflow_failure_spike: 'Workflow Failure Spike',
  memory_exhaustion: 'Memory Exhaustion',
  performance_degradation: 'Performance Degradation',
  disk_space_low: 'Disk Space Low',
  database_connection_fail: 'Database Connection Fail',
  api_rate_limit: 'API Rate Limit',
  cache_failure: 'Cache Failure',
  network_partition: 'Network Partition',
  deadlock_detected: 'Deadlock Detected',
  resource_leak: 'Resource Leak',
  security_breach: 'Security Breach',
  data_corruption: 'Data Corruption',
  custom: 'Custom',
};
