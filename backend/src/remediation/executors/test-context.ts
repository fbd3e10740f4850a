import { incidentDto } from '../../incidents/fixtures';
import type { ActionContext } from '../executor';
import type { Incident } from '../../schema/incidents';

/** An incident as the API returns it, for the executors' tests. */
export function testIncident(overrides: Partial<Incident> = {}): Incident {
  return incidentDto({
    incident_id: 'inc_00042',
    incident_type: 'service_down',
    severity: 'critical',
    status: 'investigating',
    title: 'Service Down - api',
    description: 'api stopped answering health checks',
    rule_id: 'service_down',
    group_key: 'api',
    detected_at: '2026-11-26T10:30:00Z',
    started_at: '2026-11-26T10:29:00Z',
    affected_components: ['api', 'db-1'],
    event_count: 3,
    mttd: 60,
    root_cause: {
      primary_error_type: 'timeout',
      primary_source: 'api',
      error_distribution: { timeout: 3 },
      source_distribution: { api: 3 },
      evidence: null,
    },
    last_event_at: '2026-11-26T10:30:00Z',
    updated_at: '2026-11-26T10:30:00Z',
    ...overrides,
  });
}

/** An action context around testIncident(), for the executors' tests. */
export function testContext(overrides: Partial<ActionContext> = {}): ActionContext {
  return {
    incident: testIncident(),
    action_id: 'restart_service',
    run_id: 'run_0001',
    idempotency_key: 'idem-inc_00042-restart_service-1',
    params: {},
    actor: 'alice',
    ...overrides,
  };
}
