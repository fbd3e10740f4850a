import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IncidentEventInputSchema } from '../../schema/events';
import { ValidationError } from '../../util/errors';
import { parseAlertmanagerWebhook } from './alertmanager';

const GROUP_KEY = '{}/{severity="critical"}:{alertname="HighErrorRate",service="api_gateway"}';
// First 12 hex chars of sha256(GROUP_KEY).
const GROUP_KEY_HASH = '5f4ff0d63e2f';

/** A fresh, mutable copy of the fixture for each test. */
function fixture(): Record<string, any> {
  return JSON.parse(readFileSync(join(__dirname, 'fixtures', 'alertmanager-webhook-v4.json'), 'utf8'));
}

/** The fixture as Alertmanager sends it once the group resolves. */
function resolvedFixture(): Record<string, any> {
  const payload = fixture();
  payload.status = 'resolved';
  for (const alert of payload.alerts) {
    alert.status = 'resolved';
    alert.endsAt = '2026-11-26T10:40:00Z';
  }
  return payload;
}

function validationError(body: unknown): ValidationError {
  try {
    parseAlertmanagerWebhook(body);
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  throw new Error('expected a ValidationError');
}

describe('parseAlertmanagerWebhook with the v4 fixture', () => {
  it('maps both firing alerts to events', () => {
    const events = parseAlertmanagerWebhook(fixture());

    expect(events).toHaveLength(2);
    expect(events[0]).toEqual({
      event_id: `alertmanager:${GROUP_KEY_HASH}:c4f1a2b3d4e5f607:2026-11-26T10:25:00Z:firing`,
      timestamp: '2026-11-26T10:25:00Z',
      event_type: 'alert_firing',
      source: 'api_gateway',
      severity: 'critical',
      message: 'Error ratio above 5% on api_gateway',
      metadata: {
        origin: 'alertmanager',
        alertname: 'HighErrorRate',
        fingerprint: 'c4f1a2b3d4e5f607',
        group_key: GROUP_KEY,
        status: 'firing',
        incident_type: null,
        labels: {
          alertname: 'HighErrorRate',
          service: 'api_gateway',
          severity: 'critical',
          job: 'api',
          instance: 'api-1:8080',
        },
        annotations: {
          summary: 'Error ratio above 5% on api_gateway',
          description: '5xx ratio is 0.12 over 5m',
          runbook_url: 'https://runbooks.example/high-error-rate',
        },
        generator_url: 'http://prometheus.example:9090/graph?g0.expr=job%3Aerrors%3Aratio5m+%3E+0.05',
        receiver: 'incident-backend',
        external_url: 'http://alertmanager.example:9093',
      },
      correlation_id: null,
    });
    expect(events[1]).toMatchObject({
      event_id: `alertmanager:${GROUP_KEY_HASH}:d5a2b3c4e5f60718:2026-11-26T10:25:30Z:firing`,
      timestamp: '2026-11-26T10:25:30Z',
      event_type: 'alert_firing',
      source: 'api_gateway',
      severity: 'critical',
      message: 'Error ratio above 5% on api_gateway',
      metadata: { fingerprint: 'd5a2b3c4e5f60718', group_key: GROUP_KEY },
    });
  });

  it('gives the same event ids when the same payload is posted again', () => {
    const ids = parseAlertmanagerWebhook(fixture()).map((e) => e.event_id);
    for (let i = 0; i < 100; i++) {
      expect(parseAlertmanagerWebhook(fixture()).map((e) => e.event_id)).toEqual(ids);
    }
  });

  it('maps the resolved payload to alert_resolved events that match the firing ones but for the id', () => {
    const firing = parseAlertmanagerWebhook(fixture());
    const resolved = parseAlertmanagerWebhook(resolvedFixture());

    expect(resolved).toHaveLength(2);
    resolved.forEach((event, i) => {
      expect(event.event_type).toBe('alert_resolved');
      expect(event.timestamp).toBe('2026-11-26T10:40:00Z');
      expect(event.metadata.status).toBe('resolved');
      expect(event.event_id).not.toBe(firing[i].event_id);
      expect(event.event_id.endsWith(':resolved')).toBe(true);
      expect(event.metadata.fingerprint).toBe(firing[i].metadata.fingerprint);
      expect(event.metadata.group_key).toBe(GROUP_KEY);
    });
  });

  it('produces events the events API accepts', () => {
    for (const event of [...parseAlertmanagerWebhook(fixture()), ...parseAlertmanagerWebhook(resolvedFixture())]) {
      expect(IncidentEventInputSchema.safeParse(event).success).toBe(true);
    }
  });

  it('accepts fields it does not know, and the optional ones missing', () => {
    const payload = fixture();
    payload.someFutureField = { x: 1 };
    payload.alerts[0].anotherNewField = true;
    delete payload.truncatedAlerts;
    delete payload.externalURL;
    delete payload.alerts[0].generatorURL;
    delete payload.alerts[0].annotations;

    const [event] = parseAlertmanagerWebhook(payload);
    expect(event.metadata.external_url).toBeNull();
    expect(event.metadata.generator_url).toBeNull();
    expect(event.metadata.annotations).toEqual({});
    expect(event.message).toBe('HighErrorRate');
  });

  it('computes a stable fingerprint for an alert that lacks one', () => {
    const payload = fixture();
    delete payload.alerts[0].fingerprint;

    const first = parseAlertmanagerWebhook(payload)[0];
    const again = parseAlertmanagerWebhook(structuredClone(payload))[0];
    expect(first.metadata.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(again.event_id).toBe(first.event_id);
  });

  it('maps an empty alerts array to no events', () => {
    expect(parseAlertmanagerWebhook({ ...fixture(), alerts: [] })).toEqual([]);
  });
});

describe('parseAlertmanagerWebhook with invalid payloads', () => {
  const cases: Array<[string, (p: Record<string, any>) => unknown, string]> = [
    ['missing alerts', (p) => ({ ...p, alerts: undefined }), 'body.alerts'],
    ['alerts not an array', (p) => ({ ...p, alerts: { 0: p.alerts[0] } }), 'body.alerts'],
    ['alert without labels', (p) => (delete p.alerts[0].labels, p), 'body.alerts[0].labels'],
    ['alert status bogus', (p) => ((p.alerts[0].status = 'bogus'), p), 'body.alerts[0].status'],
    ['payload status bogus', (p) => ({ ...p, status: 'bogus' }), 'body.status'],
    ['version 3', (p) => ({ ...p, version: '3' }), 'body.version'],
    ['version as a number', (p) => ({ ...p, version: 4 }), 'body.version'],
    ['missing groupKey', (p) => ({ ...p, groupKey: undefined }), 'body.groupKey'],
    ['label value not a string', (p) => ((p.alerts[1].labels.severity = 5), p), 'body.alerts[1].labels.severity'],
    ['startsAt not a time', (p) => ((p.alerts[0].startsAt = 'yesterday'), p), 'body.alerts[0].startsAt'],
    ['too many alerts', (p) => ({ ...p, alerts: Array(1001).fill(p.alerts[0]) }), 'body.alerts'],
  ];

  it.each(cases)('%s -> 400 naming %s', (_name, mutate, field) => {
    const error = validationError(mutate(fixture()));
    expect(error.status).toBe(400);
    expect(error.details?.map((d) => d.field)).toContain(field);
    expect(error.message).toContain(field);
  });

  it.each([null, 'a string', 42, []])('rejects a body of %j', (body) => {
    expect(validationError(body).status).toBe(400);
  });

  it('accepts exactly 1000 alerts', () => {
    const payload = fixture();
    payload.alerts = Array.from({ length: 1000 }, (_, i) => ({ ...payload.alerts[0], fingerprint: `fp${i}` }));
    expect(parseAlertmanagerWebhook(payload)).toHaveLength(1000);
  });
});
