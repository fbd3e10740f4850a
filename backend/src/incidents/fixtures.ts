import { blankIncident } from '../engine/incident-records';
import type { Incident } from '../schema/incidents';
import { toIncidentDto } from './dto';

/** An incident as the API returns it, for unit tests: a fresh record with what the test names. */
export function incidentDto(overrides: Partial<Incident> = {}): Incident {
  const base = toIncidentDto(
    blankIncident({
      incident_id: 'inc_00001',
      incident_type: 'error_burst',
      severity: 'high',
      title: 'Error Burst - 2026-11-26 10:30',
      description: '',
      detected_at: Date.parse('2026-11-26T10:30:00Z'),
      started_at: Date.parse('2026-11-26T10:29:00Z'),
      affected_components: [],
      updated_at: Date.parse('2026-11-26T10:30:00Z'),
    })
  );
  return { ...base, ...overrides };
}
