import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBackend, type Backend } from './harness';

const fixtures = join(__dirname, '../src/ingest/webhooks/fixtures');
const alertmanager = JSON.parse(readFileSync(join(fixtures, 'alertmanager-webhook-v4.json'), 'utf8'));
const grafana = JSON.parse(readFileSync(join(fixtures, 'grafana-webhook-v1.json'), 'utf8'));

/** The same payload with some alerts resolved by the sender. */
function resolved(payload: any, fingerprints?: string[]): any {
  const copy = structuredClone(payload);
  for (const a of copy.alerts) {
    if (!fingerprints || fingerprints.includes(a.fingerprint)) {
      a.status = 'resolved';
      a.endsAt = '2026-11-26T10:40:00Z';
    }
  }
  copy.status = copy.alerts.every((a: any) => a.status === 'resolved') ? 'resolved' : 'firing';
  return copy;
}

let b: Backend;
afterEach(async () => {
  await b.close();
});

describe('Alertmanager webhook (version 4)', () => {
  beforeEach(async () => {
    b = await startBackend({ detection: { alertname_types: { HighErrorRate: 'error_burst' } } });
  });

  it('opens one incident per notification group, however often it is posted', async () => {
    const first = await b.post('/api/v1/webhooks/alertmanager', alertmanager);
    expect(first).toMatchObject({ status: 202, body: { accepted: 2, duplicates: 0 } });
    for (let i = 0; i < 99; i++) {
      expect((await b.post('/api/v1/webhooks/alertmanager', alertmanager)).body).toEqual({ accepted: 0, duplicates: 2 });
    }
    const list = (await b.get('/api/v1/incidents')).body;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      rule_id: 'external_alert',
      incident_type: 'error_burst',
      severity: 'critical',
      event_count: 2,
      affected_components: ['api_gateway'],
      group_key: `metadata.group_key=${alertmanager.groupKey}`,
      title: 'HighErrorRate: Error ratio above 5% on api_gateway',
    });
  });

  it('resolves the incident once every alert it holds is resolved', async () => {
    await b.post('/api/v1/webhooks/alertmanager', alertmanager);
    await b.post('/api/v1/webhooks/alertmanager', resolved(alertmanager, [alertmanager.alerts[0].fingerprint]));
    expect((await b.get('/api/v1/incidents')).body[0].status).toBe('investigating');
    await b.post('/api/v1/webhooks/alertmanager', resolved(alertmanager));
    const [inc] = (await b.get('/api/v1/incidents')).body;
    expect(inc).toMatchObject({ status: 'resolved', resolved_by: 'auto' });
    // A new firing of the same group is a new incident.
    const again = structuredClone(alertmanager);
    again.alerts.forEach((a: any) => (a.startsAt = '2026-11-26T10:50:00Z'));
    await b.post('/api/v1/webhooks/alertmanager', again);
    expect((await b.get('/api/v1/incidents?status=active')).body).toHaveLength(1);
  });

  it('answers 400 naming the field for a malformed payload, and stores nothing', async () => {
    const bad = structuredClone(alertmanager);
    bad.alerts[1].status = 'bogus';
    const res = await b.post('/api/v1/webhooks/alertmanager', bad);
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: any) => d.field)).toContain('body.alerts[1].status');
    expect((await b.get('/api/v1/events')).body).toHaveLength(0);
  });
});

describe('Grafana Alerting webhook', () => {
  beforeEach(async () => {
    b = await startBackend();
  });

  it('opens an incident typed by the incident_type label and resolves it with the alert', async () => {
    expect((await b.post('/api/v1/webhooks/grafana', grafana)).status).toBe(202);
    let [inc] = (await b.get('/api/v1/incidents')).body;
    expect(inc).toMatchObject({ incident_type: 'disk_space_low', severity: 'medium', affected_components: ['db-1'], status: 'investigating' });
    await b.post('/api/v1/webhooks/grafana', resolved(grafana));
    [inc] = (await b.get('/api/v1/incidents')).body;
    expect(inc.status).toBe('resolved');
    const timeline = (await b.get(`/api/v1/incidents/${inc.incident_id}/timeline`)).body;
    expect(timeline.map((t: any) => t.event_type)).toEqual(expect.arrayContaining(['alert_firing', 'alert_resolved', 'status_changed']));
  });
});
