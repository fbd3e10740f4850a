import { blankIncident } from '../engine/incident-records';
import { fromIncidentRow, toIncidentRow } from './incident-columns';

describe('incident columns', () => {
  it('stores JSON fields as text and reads every field back as it was (numbers from bigint text too)', () => {
    const inc = blankIncident({
      incident_id: 'inc_00002',
      incident_type: 'service_down',
      severity: 'critical',
      title: 'Service down',
      description: 'd',
      detected_at: 2000,
      started_at: 1000,
      affected_components: ['api', 'db'],
      updated_at: 3000,
    });
    inc.root_cause = { primary_error_type: 'x', primary_source: 'api', error_distribution: { x: 1 }, source_distribution: { api: 1 }, evidence: null };
    inc.notes = [{ at: '2026-01-01T00:00:00.000Z', author: null, text: 'n' }];
    inc.alerts = { f: false };
    const row = toIncidentRow(inc);
    expect(row).toMatchObject({ affected_components: '["api","db"]', alerts: '{"f":false}', root_cause: expect.any(String), acknowledged_at: null });
    expect(fromIncidentRow(row)).toEqual(inc);
    // PostgreSQL returns bigint columns as text.
    expect(fromIncidentRow({ ...row, detected_at: '2000' as unknown as number, event_count: '0' as unknown as number })).toEqual(inc);
  });
});
