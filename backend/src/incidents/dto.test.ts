import { blankIncident } from '../engine/incident-records';
import { IncidentSchema } from '../schema/incidents';
import { toIncidentDto } from './dto';

const T = Date.parse('2026-01-01T00:00:00Z');

describe('toIncidentDto', () => {
  it('sends exactly the fields of IncidentSchema, times as ISO strings, with MTTD and MTTR computed', () => {
    const inc = blankIncident({
      incident_id: 'inc_00001',
      incident_type: 'error_burst',
      severity: 'high',
      title: 'Error burst',
      description: '',
      detected_at: T + 90_000,
      started_at: T,
      affected_components: ['api'],
      updated_at: T + 200_000,
    });
    inc.status = 'resolved';
    inc.resolved_at = T + 190_000;
    inc.alerts = { abc: true };
    inc.recovering_since = T + 100_000;
    const dto = IncidentSchema.strict().parse(toIncidentDto(inc));
    expect(dto).toMatchObject({ detected_at: '2026-01-01T00:01:30.000Z', resolved_at: '2026-01-01T00:03:10.000Z', acknowledged_at: null, mttd: 90, mttr: 100 });
    // What the engine keeps for itself is never sent.
    expect(toIncidentDto(inc)).not.toHaveProperty('alerts');
    expect(toIncidentDto(inc)).not.toHaveProperty('recovering_since');
    expect(Object.keys(toIncidentDto(inc)).sort()).toEqual(Object.keys(IncidentSchema.shape).sort());
  });
});
