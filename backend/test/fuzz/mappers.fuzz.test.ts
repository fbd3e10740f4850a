/**
 * The Alertmanager and Grafana webhook mappers as pure functions: for any payload they either
 * return events that the event schema accepts, or throw the typed ValidationError naming fields
 * under `body`; never a TypeError or anything else. And the same payload maps to the same events.
 */
import fc from 'fast-check';
import {
  AlertmanagerWebhookSchema,
  GrafanaWebhookSchema,
  mapAlert,
  mapAlertmanager,
  mapGrafana,
  parseAlertmanagerWebhook,
  parseGrafanaWebhook,
  type AlertInput,
  type WebhookEvent,
} from '../../src/ingest/webhooks';
import { IncidentEventInputSchema } from '../../src/schema/events';
import { safeParseInput } from '../../src/schema/safe-parse';
import { EVENT_SEVERITIES } from '../../src/schema/vocabulary';
import { ValidationError } from '../../src/util/errors';
import { nastyString } from './arbitraries';
import { ALERTMANAGER_FIXTURE, GRAFANA_FIXTURE, webhookPayload } from './payloads';

const RUNS = 600;

/** Every event as `POST /api/v1/events` would take it, and as the store and the engine read it. */
function checkEvents(events: WebhookEvent[], alerts: number): void {
  expect(events).toHaveLength(alerts);
  for (const e of events) {
    const r = IncidentEventInputSchema.safeParse(e);
    if (!r.success) {
      throw new Error(`mapped event fails the event schema: ${JSON.stringify(r.error.issues)}\n${JSON.stringify(e).slice(0, 600)}`);
    }
    expect(EVENT_SEVERITIES).toContain(e.severity);
    expect(['alert_firing', 'alert_resolved']).toContain(e.event_type);
    expect(Number.isFinite(Date.parse(e.timestamp))).toBe(true);
    // What the store writes (JSON) reads back the same: no function, undefined or non-finite number
    // in it (-0 may turn 0; Grafana's values carry what the query answered).
    const text = JSON.stringify(e);
    expect(JSON.stringify(JSON.parse(text))).toBe(text);
    expect(Object.keys(JSON.parse(text))).toEqual(Object.keys(e));
  }
}

/** Runs a parser: events that check out, or a ValidationError naming fields of the body. */
function parseOrReject(parse: (body: unknown) => WebhookEvent[], payload: unknown): WebhookEvent[] | ValidationError {
  let events: WebhookEvent[];
  try {
    events = parse(payload);
  } catch (err) {
    if (!(err instanceof ValidationError)) {
      throw new Error(`threw ${(err as Error)?.name}: ${(err as Error)?.message} for ${JSON.stringify(payload)?.slice(0, 600)}`);
    }
    expect(err.status).toBe(400);
    expect(err.details?.length).toBeGreaterThan(0);
    for (const d of err.details ?? []) {
      expect(d.field).toMatch(/^body/);
    }
    return err;
  }
  checkEvents(events, (payload as { alerts: unknown[] }).alerts.length);
  // Pure and deterministic: the same payload, the same events (a re-delivery dedups on event_id).
  expect(parse(structuredClone(payload))).toEqual(events);
  return events;
}

describe('Alertmanager mapper', () => {
  it('maps any payload to valid events or throws the ValidationError', () => {
    fc.assert(
      fc.property(webhookPayload(ALERTMANAGER_FIXTURE, false), (payload) => {
        parseOrReject(parseAlertmanagerWebhook, payload);
      }),
      { numRuns: RUNS }
    );
  });

  it('maps every payload the schema accepts without throwing', () => {
    fc.assert(
      fc.property(webhookPayload(ALERTMANAGER_FIXTURE, false), (payload) => {
        const parsed = safeParseInput(AlertmanagerWebhookSchema, payload);
        fc.pre(parsed.success);
        checkEvents(mapAlertmanager(parsed.data!), parsed.data!.alerts.length);
      }),
      { numRuns: RUNS }
    );
  });
});

describe('Grafana mapper', () => {
  it('maps any payload to valid events or throws the ValidationError', () => {
    fc.assert(
      fc.property(webhookPayload(GRAFANA_FIXTURE, true), (payload) => {
        parseOrReject(parseGrafanaWebhook, payload);
      }),
      { numRuns: RUNS }
    );
  });

  it('maps every payload the schema accepts without throwing', () => {
    fc.assert(
      fc.property(webhookPayload(GRAFANA_FIXTURE, true), (payload) => {
        const parsed = safeParseInput(GrafanaWebhookSchema, payload);
        fc.pre(parsed.success);
        checkEvents(mapGrafana(parsed.data!), parsed.data!.alerts.length);
      }),
      { numRuns: RUNS }
    );
  });
});

describe('mapAlert', () => {
  const labels = fc.dictionary(
    fc.oneof(fc.constantFrom('alertname', 'severity', 'service', 'job', 'instance', 'incident_type', '__proto__', 'constructor', 'toString'), fc.string({ maxLength: 8 })),
    fc.oneof(nastyString, fc.constantFrom('constructor', 'toString', '__proto__', 'valueOf', 'hasOwnProperty', 'CRITICAL', ' error ')),
    { maxKeys: 6, noNullPrototype: true }
  );
  const alert: fc.Arbitrary<AlertInput> = fc.record(
    {
      status: fc.constantFrom('firing' as const, 'resolved' as const),
      labels,
      annotations: labels,
      startsAt: fc.constantFrom('2026-11-26T10:25:00Z', '2026-11-26T10:25:00.123456789+05:30'),
      endsAt: fc.constantFrom('0001-01-01T00:00:00Z', '2026-11-26T10:40:00Z'),
      generatorURL: fc.constantFrom('', 'http://prometheus.example:9090/graph'),
      fingerprint: fc.oneof(fc.string({ minLength: 1, maxLength: 128 }), fc.string({ unit: 'binary', minLength: 1, maxLength: 64 }).filter((s) => s.length <= 128)),
    },
    { requiredKeys: ['status', 'labels', 'annotations', 'startsAt'] }
  );
  const ctx = fc.record({
    origin: fc.constantFrom('alertmanager' as const, 'grafana' as const),
    groupKey: nastyString,
    receiver: nastyString,
    externalURL: fc.constantFrom(null, 'http://am.example:9093'),
    fallbackMessage: fc.option(nastyString, { nil: undefined }),
  });

  it('maps any validated alert to an event the event schema accepts', () => {
    fc.assert(
      fc.property(alert, ctx, (a, c) => {
        checkEvents([mapAlert(a, c)], 1);
      }),
      { numRuns: RUNS }
    );
  });
});

/** The shrunk counterexamples the properties found, kept as plain examples. */
describe('regressions', () => {
  const base = () => structuredClone(ALERTMANAGER_FIXTURE) as { alerts: Array<Record<string, any>> } & Record<string, unknown>;

  it('reads a severity label that names an Object.prototype member as medium (was the function Object, then a 500)', () => {
    for (const severity of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
      const payload = base();
      payload.alerts[0].labels = { alertname: 'X', severity };
      const [event] = parseAlertmanagerWebhook(payload);
      expect(event.severity).toBe('medium');
    }
  });

  it('refuses a time with more fractional digits than nanoseconds (its event_id was over 256)', () => {
    const payload = base();
    payload.alerts[0].startsAt = `2026-11-26T10:25:00.${'1'.repeat(300)}Z`;
    expect(() => parseAlertmanagerWebhook(payload)).toThrow(ValidationError);
    try {
      parseAlertmanagerWebhook(payload);
    } catch (err) {
      expect((err as ValidationError).details?.map((d) => d.field)).toContain('body.alerts[0].startsAt');
    }
  });

  it('throws the ValidationError, not a TypeError, for an object zod cannot convert where a string goes', () => {
    const payload = base();
    payload.alerts[0].fingerprint = JSON.parse('{"length":{"toString":""}}');
    expect(() => parseAlertmanagerWebhook(payload)).toThrow(ValidationError);
    const grafana = structuredClone(GRAFANA_FIXTURE) as { alerts: Array<Record<string, unknown>> };
    grafana.alerts[0].fingerprint = JSON.parse('{"length":{"toString":""}}');
    expect(() => parseGrafanaWebhook(grafana)).toThrow(ValidationError);
  });

  it('keeps event_id and source well-formed when the fingerprint or the label holds a lone surrogate or a pair at the cut', () => {
    const payload = base();
    payload.alerts[0].fingerprint = 'f\ud800';
    payload.alerts[0].labels = { service: `a${'😀'.repeat(300)}` };
    const [event] = parseAlertmanagerWebhook(payload);
    expect(IncidentEventInputSchema.safeParse(event).success).toBe(true);
    expect(event.event_id).toContain('f\ufffd');
    expect(event.source.length).toBeLessThanOrEqual(256);
  });
});
