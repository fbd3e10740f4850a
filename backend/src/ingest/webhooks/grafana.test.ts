import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IncidentEventInputSchema } from '../../schema/events';
import { ValidationError } from '../../util/errors';
import { parseGrafanaWebhook } from './grafana';

const GROUP_KEY = '{}:{alertname="DiskAlmostFull"}';
// First 12 hex chars of sha256(GROUP_KEY).
const GROUP_KEY_HASH = '1ee9c0091a7b';

/** A fresh, mutable copy of the fixture for each test. */
function fixture(): Record<string, any> {
  return JSON.parse(readFileSync(join(__dirname, 'fixtures', 'grafana-webhook-v1.json'), 'utf8'));
}

function validationError(body: unknown): ValidationError {
  try {
    parseGrafanaWebhook(body);
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  throw new Error('expected a ValidationError');
}

describe('parseGrafanaWebhook with the v1 fixture', () => {
  it('maps the firing alert to one event', () => {
    const events = parseGrafanaWebhook(fixture());

    expect(events).toEqual([
      {
        event_id: `grafana:${GROUP_KEY_HASH}:9f8e7d6c5b4a3921:2026-11-26T10:20:00Z:firing`,
        timestamp: '2026-11-26T10:20:00Z',
        event_type: 'alert_firing',
        source: 'db-1',
        severity: 'medium',
        message: 'Disk usage at 92% on db-1',
        metadata: {
          origin: 'grafana',
          alertname: 'DiskAlmostFull',
          fingerprint: '9f8e7d6c5b4a3921',
          group_key: GROUP_KEY,
          status: 'firing',
          incident_type: 'disk_space_low',
          labels: {
            alertname: 'DiskAlmostFull',
            grafana_folder: 'Infra',
            severity: 'warning',
            instance: 'db-1',
            incident_type: 'disk_space_low',
          },
          annotations: { summary: 'Disk usage at 92% on db-1' },
          generator_url: 'http://grafana.example:3000/alerting/grafana/abc123/view',
          receiver: 'incident-backend',
          external_url: 'http://grafana.example:3000/',
          org_id: 1,
          dashboard_url: 'http://grafana.example:3000/d/node',
          panel_url: 'http://grafana.example:3000/d/node?viewPanel=3',
          values: { B: 92.1, C: 1 },
        },
        correlation_id: null,
      },
    ]);
  });

  it('gives the same event id when the same payload is posted again', () => {
    expect(parseGrafanaWebhook(fixture())[0].event_id).toBe(parseGrafanaWebhook(fixture())[0].event_id);
  });

  it('maps a resolved copy to an alert_resolved event with a different id and the same fingerprint', () => {
    const payload = fixture();
    payload.status = 'resolved';
    payload.alerts[0].status = 'resolved';
    payload.alerts[0].endsAt = '2026-11-26T10:35:00Z';

    const [firing] = parseGrafanaWebhook(fixture());
    const [resolved] = parseGrafanaWebhook(payload);
    expect(resolved.event_type).toBe('alert_resolved');
    expect(resolved.timestamp).toBe('2026-11-26T10:35:00Z');
    expect(resolved.event_id).not.toBe(firing.event_id);
    expect(resolved.metadata.fingerprint).toBe(firing.metadata.fingerprint);
    expect(resolved.metadata.group_key).toBe(GROUP_KEY);
  });

  it('falls back to the payload title when the alert has no summary, description or alertname', () => {
    const payload = fixture();
    payload.alerts[0].annotations = {};
    delete payload.alerts[0].labels.alertname;
    expect(parseGrafanaWebhook(payload)[0].message).toBe('[FIRING:1] DiskAlmostFull Infra (warning db-1)');
  });

  it('leaves out the Grafana extras the payload lacks, and accepts a null value', () => {
    const payload = fixture();
    delete payload.orgId;
    delete payload.alerts[0].dashboardURL;
    delete payload.alerts[0].panelURL;
    delete payload.alerts[0].silenceURL;
    payload.alerts[0].values = { B: null };
    const { metadata } = parseGrafanaWebhook(payload)[0];
    expect(metadata).not.toHaveProperty('org_id');
    expect(metadata).not.toHaveProperty('dashboard_url');
    expect(metadata).not.toHaveProperty('panel_url');
    expect(metadata.values).toEqual({ B: null });
  });

  it('produces events the events API accepts', () => {
    expect(IncidentEventInputSchema.safeParse(parseGrafanaWebhook(fixture())[0]).success).toBe(true);
  });
});

describe('parseGrafanaWebhook with invalid payloads', () => {
  const cases: Array<[string, (p: Record<string, any>) => unknown, string]> = [
    ['missing alerts', (p) => ({ ...p, alerts: undefined }), 'body.alerts'],
    ['alerts not an array', (p) => ({ ...p, alerts: 'none' }), 'body.alerts'],
    ['alert without labels', (p) => (delete p.alerts[0].labels, p), 'body.alerts[0].labels'],
    ['alert status bogus', (p) => ((p.alerts[0].status = 'bogus'), p), 'body.alerts[0].status'],
    ['payload status bogus', (p) => ({ ...p, status: 'bogus' }), 'body.status'],
    ['missing version (legacy alerting)', (p) => ({ ...p, version: undefined }), 'body.version'],
    ['orgId not a number', (p) => ({ ...p, orgId: 'one' }), 'body.orgId'],
    ['values not numbers', (p) => ((p.alerts[0].values = { B: 'high' }), p), 'body.alerts[0].values.B'],
    ['too many alerts', (p) => ({ ...p, alerts: Array(1001).fill(p.alerts[0]) }), 'body.alerts'],
  ];

  it.each(cases)('%s -> 400 naming %s', (_name, mutate, field) => {
    const error = validationError(mutate(fixture()));
    expect(error.status).toBe(400);
    expect(error.details?.map((d) => d.field)).toContain(field);
  });
});
