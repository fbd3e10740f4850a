import { makeIncident } from '../../testing/fakeClient';
import { incidentsToCsv, incidentsToJson } from './exportIncidents';

describe('incident export', () => {
  test('writes CSV with a header, lists joined by ";" and quoted cells where needed', () => {
    const csv = incidentsToCsv([
      makeIncident({
        incident_id: 'inc_1',
        title: 'Pool "main", exhausted',
        affected_components: ['api', 'db'],
        mttd: 120,
      }),
    ]);
    const [header, row, end] = csv.split('\r\n');

    expect(header).toBe(
      'incident_id,incident_type,severity,status,title,affected_components,event_count,detected_at,acknowledged_at,' +
        'acknowledged_by,assigned_to,resolved_at,resolved_by,closed_at,mttd,mttr'
    );
    expect(row).toBe(
      'inc_1,error_burst,high,detected,"Pool ""main"", exhausted",api;db,12,2026-11-26T10:00:00.000Z,,,,,,,120,'
    );
    expect(end).toBe('');
  });

  test('writes JSON as the API returned the incidents', () => {
    const incidents = [makeIncident()];
    expect(JSON.parse(incidentsToJson(incidents))).toEqual(incidents);
  });
});
