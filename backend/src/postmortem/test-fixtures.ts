/* Shared fixtures of the post-mortem tests (not exported from index.ts). */
import type { IncidentRecord } from '../domain/records';
import { blankIncident } from '../engine/incident-records';
import type { TimelineEntry } from '../schema/incidents';
import type { Delivery } from '../schema/notifications';
import type { PostmortemEdits } from '../schema/postmortem';
import type { ActionRun, RemediationAction } from '../schema/remediation';

export const T0 = Date.parse('2026-11-26T10:00:00Z');
export const MIN = 60_000;
export const at = (ms: number): string => new Date(ms).toISOString();

/** A database incident: started 10:00, detected 10:02, resolved by jane.roe at 10:45. */
export function incident(over: Partial<IncidentRecord> = {}): IncidentRecord {
  return blankIncident({
    incident_id: 'inc_00042',
    incident_type: 'database_connection_fail',
    severity: 'high',
    title: 'Database connections failing',
    description: 'The API could not get database connections.',
    started_at: T0,
    detected_at: T0 + 2 * MIN,
    updated_at: T0 + 45 * MIN,
    affected_components: ['api', 'database'],
    status: 'resolved',
    event_count: 23,
    assigned_to: 'jane.roe',
    acknowledged_at: T0 + 3 * MIN,
    acknowledged_by: 'jane.roe',
    resolved_at: T0 + 47 * MIN,
    resolved_by: 'jane.roe',
    root_cause: {
      primary_error_type: 'db_connection_error',
      primary_source: 'database',
      error_distribution: { db_connection_error: 15, api_timeout: 8 },
      source_distribution: { database: 15, api_gateway: 8 },
      evidence: { event_id: 'evt_1', timestamp: at(T0), source: 'database', message: 'Connection pool exhausted' },
    },
    notes: [{ at: at(T0 + 10 * MIN), author: 'jane.roe', text: 'Pool at 10/10 since 09:58' }],
    ...over,
  });
}

export function timeline(): TimelineEntry[] {
  const ev = (ms: number, type: string, source: string, message: string, id: string): TimelineEntry => ({
    at: at(ms),
    kind: 'event',
    event_type: type,
    source,
    message,
    actor: null,
    severity: 'high',
    event_id: id,
    data: null,
  });
  const life = (
    ms: number,
    type: string,
    message: string,
    actor: string | null,
    data: Record<string, unknown> | null = null
  ): TimelineEntry => ({
    at: at(ms),
    kind: 'lifecycle',
    event_type: type,
    source: 'mahavishnu',
    message,
    actor,
    severity: null,
    event_id: null,
    data,
  });
  return [
    ev(T0, 'db_connection_error', 'database', 'Connection pool exhausted', 'evt_1'),
    ev(T0 + MIN, 'api_timeout', 'api_gateway', 'pool size 10 | max 10\nretrying', 'evt_2'),
    life(T0 + 2 * MIN, 'detected', 'Incident detected by rule db_conn', null),
    life(T0 + 3 * MIN, 'acknowledged', 'Acknowledged by jane.roe', 'jane.roe'),
    life(
      T0 + 47 * MIN,
      'status_changed',
      'Status remediating -> resolved: resolved: Scaled the pool\nand restarted the API',
      'jane.roe',
      {
        from: 'remediating',
        to: 'resolved',
      }
    ),
  ];
}

let runSeq = 0;
export function run(actionId: string, over: Partial<ActionRun>): ActionRun {
  runSeq += 1;
  return {
    run_id: `run_${runSeq}`,
    incident_id: 'inc_00042',
    action_id: actionId,
    idempotency_key: `key_${runSeq}`,
    trigger: 'manual',
    dry_run: false,
    status: 'succeeded',
    requested_by: null,
    approved_by: null,
    params: {},
    plan: null,
    detail: null,
    output: null,
    queued_at: at(T0 + 5 * MIN),
    started_at: at(T0 + 5 * MIN),
    finished_at: at(T0 + 6 * MIN),
    duration_ms: 60_000,
    verification: null,
    verify_until: null,
    ...over,
  };
}

export function action(actionId: string, over: Partial<RemediationAction>): RemediationAction {
  return {
    action_id: actionId,
    title: actionId.replace(/_/g, ' '),
    description: '',
    risk: 'low',
    approval: 'none',
    executor: 'http',
    automatic: false,
    state: 'recommended',
    runs: [],
    ...over,
  };
}

/** One of each: auto succeeded, approved succeeded (after a dry run), failed, did not help, manual to do. */
export function actions(): RemediationAction[] {
  return [
    action('clear_cache', {
      title: 'Clear the application cache',
      automatic: true,
      state: 'succeeded',
      runs: [
        run('clear_cache', {
          trigger: 'auto',
          detail: 'Cache cleared',
          queued_at: at(T0 + 4 * MIN),
          started_at: at(T0 + 4 * MIN),
          finished_at: at(T0 + 4 * MIN + 2000),
          verification: 'helped',
        }),
      ],
    }),
    action('restart_service', {
      title: 'Restart the API service',
      risk: 'medium',
      approval: 'responder',
      executor: 'command',
      state: 'succeeded',
      runs: [
        run('restart_service', {
          dry_run: true,
          status: 'dry_run',
          requested_by: 'jane.roe',
          detail: 'would restart api',
          queued_at: at(T0 + 8 * MIN),
        }),
        run('restart_service', {
          requested_by: 'jane.roe',
          approved_by: 'john.doe',
          detail: 'Service restarted',
          queued_at: at(T0 + 9 * MIN),
          started_at: at(T0 + 9 * MIN),
          finished_at: at(T0 + 10 * MIN),
        }),
      ],
    }),
    action('scale_up', {
      title: 'Scale the connection pool',
      risk: 'medium',
      approval: 'responder',
      state: 'failed',
      runs: [
        run('scale_up', {
          status: 'failed',
          requested_by: 'jane.roe',
          approved_by: 'jane.roe',
          detail: 'quota exceeded in eu-west-1',
          queued_at: at(T0 + 12 * MIN),
          started_at: at(T0 + 12 * MIN),
          finished_at: at(T0 + 13 * MIN),
        }),
      ],
    }),
    action('failover_db', {
      title: 'Fail over to the replica',
      risk: 'high',
      approval: 'lead',
      state: 'did_not_help',
      runs: [
        run('failover_db', {
          requested_by: 'jane.roe',
          approved_by: 'lead.person',
          detail: 'Failed over to replica',
          verification: 'did_not_help',
          queued_at: at(T0 + 20 * MIN),
          started_at: at(T0 + 20 * MIN),
          finished_at: at(T0 + 22 * MIN),
        }),
      ],
    }),
    action('vendor_ticket', { title: 'Open a ticket with the database vendor', executor: 'manual', state: 'todo' }),
  ];
}

export function deliveries(): Delivery[] {
  const base = { incident_id: 'inc_00042', attempts: 1, last_status: 200, last_error: null, next_attempt_at: null, last_attempt_at: null };
  return [
    {
      ...base,
      delivery_id: 'd2',
      receiver: 'oncall-email',
      channel_type: 'email',
      kind: 'resolved',
      status: 'failed',
      last_status: 550,
      last_error: 'mailbox full',
      created_at: at(T0 + 47 * MIN),
      sent_at: null,
    },
    {
      ...base,
      delivery_id: 'd1',
      receiver: 'ops-slack',
      channel_type: 'slack',
      kind: 'incident_created',
      status: 'sent',
      created_at: at(T0 + 2 * MIN),
      sent_at: at(T0 + 2 * MIN + 500),
    },
  ];
}

export function edits(over: Partial<PostmortemEdits> = {}): PostmortemEdits {
  return { summary: null, users_impacted: null, follow_ups: null, went_well: [], to_improve: [], notes: [], ...over };
}
