import type { IncidentRecord } from '../domain/records';
import type { IncidentType } from '../schema/enums';
import type { FollowUp } from '../schema/postmortem';
import type { RemediationAction } from '../schema/remediation';

/** FollowUpSchema caps the text at 1024 characters. */
const MAX_TEXT = 1024;

interface Subject {
  /** The affected components, or the primary source, or a generic phrase. */
  components: string;
  /** The root cause's primary source, or the components. */
  source: string;
  title: string;
}

/** The monitoring or prevention item for each incident type. */
const PREVENTION: Record<IncidentType, (s: Subject) => string> = {
  error_burst: (s) => `Add alerting on the error rate of ${s.source}`,
  service_down: (s) => `Add health checks and automatic restarts for ${s.components}`,
  quality_drop: (s) => `Add quality score monitoring with an early-warning threshold for ${s.components}`,
  workflow_failure_spike: (s) =>
    `Add retries with backoff and failure-rate alerting to the workflows of ${s.components}`,
  memory_exhaustion: (s) => `Profile memory use of ${s.components}`,
  performance_degradation: (s) => `Add latency alerting and a load test for ${s.components}`,
  disk_space_low: (s) => `Set up log rotation and a disk usage forecast for ${s.components}`,
  database_connection_fail: () => 'Add connection pool monitoring',
  api_rate_limit: (s) => `Add client-side rate limiting and quota usage monitoring for ${s.components}`,
  cache_failure: (s) => `Add cache health monitoring and a fallback for ${s.components} when the cache is unavailable`,
  network_partition: (s) => `Add connectivity checks between ${s.components} and review their partition tolerance`,
  deadlock_detected: (s) => `Review the lock ordering of ${s.components} and add deadlock monitoring`,
  resource_leak: (s) => `Find the leak in ${s.components} and add alerting on resource usage trends`,
  security_breach: () => 'Complete the security review and rotate credentials',
  data_corruption: (s) => `Verify backups, restore the affected data of ${s.components} and add integrity checks`,
  custom: (s) => `Find the cause of "${s.title}" and add monitoring to detect it earlier`,
};

function clip(text: string): string {
  return text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT - 1)}…`;
}

function item(text: string, owner: string | null, priority: FollowUp['priority']): FollowUp {
  return { text: clip(text.replace(/\s+/g, ' ').trim()), owner, priority, done: false };
}

/** The detail of an action's last run that was not a dry run, if it has one. */
function lastDetail(a: RemediationAction): string | null {
  const real = a.runs.filter((r) => !r.dry_run);
  const last = real[real.length - 1];
  return last?.detail ?? null;
}

/**
 * The follow-up items a post-mortem starts with, before anyone edits them: a monitoring or
 * prevention item for the incident's type, one item per action that failed or did not help,
 * one per manual action still to do, then the runbook update and the review meeting.
 * The incident's assignee (if any) owns them all.
 */
export function defaultFollowUps(inc: IncidentRecord, actions: RemediationAction[]): FollowUp[] {
  const primary = inc.root_cause?.primary_source ?? null;
  const components = inc.affected_components.length
    ? inc.affected_components.join(', ')
    : (primary ?? 'the affected components');
  const subject: Subject = { components, source: primary ?? components, title: inc.title };
  const owner = inc.assigned_to;
  const out: FollowUp[] = [
    item(PREVENTION[inc.incident_type](subject), owner, inc.severity === 'critical' ? 'high' : 'medium'),
  ];
  for (const a of actions) {
    if (a.state === 'failed') {
      out.push(item(`Fix the ${a.action_id} action: ${lastDetail(a) ?? 'its last run failed'}`, owner, 'high'));
    } else if (a.state === 'did_not_help') {
      out.push(item(`Find out why ${a.action_id} did not help`, owner, 'medium'));
    } else if (a.state === 'todo' && a.executor === 'manual') {
      out.push(item(`Do or drop: ${a.title}`, owner, 'medium'));
    }
  }
  out.push(item('Update the runbook with lessons learned', owner, 'medium'));
  out.push(item('Schedule the post-incident review meeting', owner, 'low'));
  return out;
}
