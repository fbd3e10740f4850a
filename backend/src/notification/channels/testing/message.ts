import { incidentDto } from '../../../incidents/fixtures';
import type { NotificationMessage } from '../../channel';
import type { Incident } from '../../../schema/incidents';

/** An incident as the API would return it right after detection; tests override what they look at. */
export function makeIncident(overrides: Partial<Incident> = {}): Incident {
  return incidentDto({
    incident_id: 'inc_00001',
    incident_type: 'error_burst',
    severity: 'high',
    status: 'detected',
    title: 'Error Burst - 2026-11-26 10:30',
    description: 'A burst of 12 errors from api-gateway within 5 minutes.',
    rule_id: 'error-burst',
    group_key: 'api-gateway',
    detected_at: '2026-11-26T10:30:00Z',
    started_at: '2026-11-26T10:25:00Z',
    affected_components: ['api-gateway', 'payments'],
    event_count: 12,
    mttd: 300,
    root_cause: {
      primary_error_type: 'TimeoutError',
      primary_source: 'api-gateway',
      error_distribution: { TimeoutError: 10, ConnectionError: 2 },
      source_distribution: { 'api-gateway': 12 },
      evidence: null,
    },
    last_event_at: '2026-11-26T10:29:50Z',
    updated_at: '2026-11-26T10:30:00Z',
    ...overrides,
  });
}

/** A notification about `makeIncident()`; `incident` overrides are merged into the default incident. */
export function makeMessage(
  overrides: Omit<Partial<NotificationMessage>, 'incident'> & { incident?: Partial<Incident> } = {}
): NotificationMessage {
  const { incident, ...rest } = overrides;
  return {
    kind: 'incident_created',
    incident: makeIncident(incident),
    url: 'http://grafana.example:3000/a/mahavishnu-app/incidents/inc_00001',
    dedup_key: 'inc_00001',
    delivery_id: 'dlv_000001',
    headline: 'New incident inc_00001: Error Burst - 2026-11-26 10:30',
    details: {},
    created_at: '2026-11-26T10:30:00Z',
    ...rest,
  };
}
