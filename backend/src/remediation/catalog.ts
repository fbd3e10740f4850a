import type { ActionRisk, Approval } from '../schema/remediation';

/** A remediation strategy the AutoResponder knows. `task`s are for a person and never run on their own. */
export interface CatalogAction {
  id: string;
  title: string;
  description: string;
  risk: ActionRisk;
  kind: 'action' | 'task';
}

const action = (id: string, title: string, risk: ActionRisk, description: string): CatalogAction => ({ id, title, risk, description, kind: 'action' });
const task = (id: string, title: string, description: string, risk: ActionRisk = 'low'): CatalogAction => ({ id, title, risk, description, kind: 'task' });

/** The remediation strategies with their risk levels, and the manual steps of its scenarios. */
export const CATALOG: readonly CatalogAction[] = [
  action('scale_up', 'Scale up resources', 'low', 'Add capacity (memory, CPU, replicas, connection pool) when resources are exhausted'),
  action('clear_cache', 'Clear cache', 'low', 'Drop cached data that may be stale or corrupt'),
  action('kill_zombie_processes', 'Kill zombie processes', 'low', 'Stop leaked and defunct processes holding resources'),
  action('clear_logs', 'Clear log files', 'low', 'Remove rotated log files to free disk space'),
  action('clear_old_cache', 'Clear old cache data', 'low', 'Remove cache files past their age to free disk space'),
  action('compress_old_data', 'Compress old data', 'low', 'Compress old data files to free disk space'),
  action('restart_service', 'Restart service', 'medium', 'Restart a hung or crashed service'),
  action('rollback_deployment', 'Roll back deployment', 'medium', 'Return to the previous release when a deployment caused the issue'),
  action('configuration_change', 'Change configuration', 'medium', 'Correct a misconfiguration'),
  action('database_maintenance', 'Database maintenance', 'high', 'Run maintenance on the database (vacuum, reindex, failover, restart)'),
  task('code_patch', 'Patch the code', 'Write, review and deploy a fix for the identified bug', 'high'),
  task('check_database_status', 'Check database status', 'Look at the database: is it up, are connections exhausted, is replication healthy'),
  task('restart_database', 'Restart the database if needed', 'Restart the database once its status shows it is needed', 'high'),
  task('implement_backoff_retry', 'Implement backoff retry', 'Make clients retry rate-limited calls with exponential backoff'),
  task('increase_rate_limit_quota', 'Increase rate limit quota', 'Ask the provider for a larger quota'),
  task('cache_api_responses', 'Cache API responses', 'Cache responses of the rate-limited API to call it less'),
  task('add_storage', 'Add storage', 'Grow the volume or add a disk'),
  task('archive_old_data', 'Archive old data', 'Move old data to cheaper storage'),
  task('fix_network_connectivity', 'Fix network connectivity', 'Find and repair the broken network path'),
  task('restart_networking', 'Restart networking', 'Restart the network stack or devices on the partitioned side'),
  task('lock_down_systems', 'Lock down affected systems', 'Revoke access and isolate the affected systems'),
  task('preserve_evidence', 'Preserve evidence', 'Snapshot disks, keep logs, record what was seen'),
  task('notify_security_team', 'Notify the security team', 'Page the security team with what is known'),
  task('initiate_incident_response', 'Initiate security incident response', 'Start the security incident response process'),
];

export const CATALOG_BY_ID: ReadonlyMap<string, CatalogAction> = new Map(CATALOG.map((a) => [a.id, a]));

/** The approval requirements: safe actions none, medium risk on call, high risk a team lead. */
export function approvalFor(risk: ActionRisk): Approval {
  return risk === 'low' ? 'none' : risk === 'medium' ? 'responder' : 'lead';
}
