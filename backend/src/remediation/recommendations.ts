import type { IncidentType } from '../schema/enums';

/**
 * What to do per incident type, in order: the ten auto-remediation scenarios of docs/response.md, and for the
 * other types what an SRE would try first. Low-risk actions come first: containment runs them.
 */
export const RECOMMENDATIONS: Record<IncidentType, readonly string[]> = {
  service_down: ['scale_up', 'restart_service'],
  memory_exhaustion: ['scale_up', 'kill_zombie_processes', 'restart_service'],
  error_burst: ['clear_cache', 'restart_service', 'rollback_deployment', 'code_patch'],
  performance_degradation: ['scale_up', 'clear_cache'],
  cache_failure: ['clear_cache'],
  database_connection_fail: ['scale_up', 'check_database_status', 'restart_database'],
  api_rate_limit: ['implement_backoff_retry', 'increase_rate_limit_quota', 'cache_api_responses'],
  disk_space_low: ['clear_logs', 'clear_old_cache', 'compress_old_data', 'add_storage', 'archive_old_data'],
  network_partition: ['fix_network_connectivity', 'restart_networking'],
  security_breach: ['lock_down_systems', 'preserve_evidence', 'notify_security_team', 'initiate_incident_response'],
  quality_drop: ['rollback_deployment', 'configuration_change'],
  workflow_failure_spike: ['restart_service', 'rollback_deployment', 'code_patch'],
  deadlock_detected: ['restart_service', 'database_maintenance'],
  resource_leak: ['kill_zombie_processes', 'restart_service'],
  data_corruption: ['database_maintenance', 'code_patch'],
  custom: [],
};

/** The scenarios where nothing runs on its own: the team gets recommendations only. */
export const NO_AUTOMATIC_ACTION: ReadonlySet<IncidentType> = new Set(['api_rate_limit', 'network_partition', 'security_breach']);
