import type { IncidentType } from '../schema/enums';
import type { Escalation } from '../schema/rules';

/**
 * The severity assignment matrix as declarative escalations, in CEL.
 * Variables: `event` (the event that attaches, absent in a sweep), `window` (count, sources,
 * error_ratio of the rule's window), `incident` (severity, event_count, age_seconds,
 * seconds_since_last_event, receiving_events), `prolonged_seconds`.
 * A condition that cannot be evaluated (a missing key, say) does not hold.
 */
const PROLONGED = 'incident.age_seconds >= prolonged_seconds && incident.receiving_events';

export const SEVERITY_MATRIX: Record<IncidentType, Escalation[]> = {
  error_burst: [
    { to: 'critical', when: 'window.error_ratio > 0.5', description: 'more than 50% of the events from the affected sources are errors' },
  ],
  service_down: [],
  quality_drop: [
    {
      to: 'high',
      when: 'event.metadata.metric == "coverage" && double(event.metadata.value) < 50.0',
      description: 'coverage below 50%',
    },
  ],
  workflow_failure_spike: [{ to: 'critical', when: 'event.metadata.critical == true', description: 'a critical workflow failed' }],
  memory_exhaustion: [],
  performance_degradation: [
    {
      to: 'high',
      when: 'double(event.metadata.duration_ms) / double(event.metadata.threshold_ms) > 5.0',
      description: 'more than 5x slowdown',
    },
  ],
  disk_space_low: [{ to: 'critical', when: 'double(event.metadata.usage_percent) > 95.0', description: 'less than 5% free' }],
  database_connection_fail: [],
  api_rate_limit: [{ to: 'high', when: PROLONGED, description: 'prolonged' }],
  cache_failure: [{ to: 'medium', when: PROLONGED, description: 'prolonged' }],
  network_partition: [{ to: 'critical', when: 'event.metadata.complete == true', description: 'complete partition' }],
  deadlock_detected: [
    { to: 'critical', when: 'event.metadata.critical_resource == true', description: 'a critical resource is deadlocked' },
  ],
  resource_leak: [{ to: 'high', when: PROLONGED, description: 'prolonged' }],
  security_breach: [],
  data_corruption: [],
  custom: [],
};

/** The default severity of each type, as the matrix's second column. */
export const DEFAULT_SEVERITY: Record<IncidentType, 'low' | 'medium' | 'high' | 'critical'> = {
  error_burst: 'high',
  service_down: 'critical',
  quality_drop: 'medium',
  workflow_failure_spike: 'high',
  memory_exhaustion: 'critical',
  performance_degradation: 'medium',
  disk_space_low: 'high',
  database_connection_fail: 'critical',
  api_rate_limit: 'medium',
  cache_failure: 'low',
  network_partition: 'high',
  deadlock_detected: 'high',
  resource_leak: 'medium',
  security_breach: 'critical',
  data_corruption: 'critical',
  custom: 'medium',
};
