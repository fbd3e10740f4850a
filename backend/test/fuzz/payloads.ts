/**
 * fast-check arbitraries of the backend's domain inputs: events of `POST /api/v1/events` (valid, and
 * with one field broken) and Alertmanager and Grafana webhook payloads mutated from the fixtures.
 */
import fc from 'fast-check';
import alertmanagerFixture from '../../src/ingest/webhooks/fixtures/alertmanager-webhook-v4.json';
import grafanaFixture from '../../src/ingest/webhooks/fixtures/grafana-webhook-v1.json';
import { EVENT_SEVERITIES, INCIDENT_TYPES } from '../../src/schema/vocabulary';
import { dateInRange, DEEP_MARKER, deepJsonText, jsonTree, mutateAt, mutation, nastyString, renderJson } from './arbitraries';

// ---------------------------------------------------------------------------------------------
// Events of `POST /api/v1/events`

export const VALID_SEVERITIES = [...EVENT_SEVERITIES, 'HIGH', 'Critical', 'iNfO'] as const;

/** A string an id field takes: 1 to 256 UTF-16 units, any well-formed text. */
const idText = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).filter((s) => s.length <= 256),
  fc.constantFrom('__proto__', 'constructor', 'a'.repeat(256), '😀'.repeat(128), '😀'.repeat(256), 'e\u0301', '../x', '%00')
);

const metadataValue: fc.Arbitrary<Record<string, unknown>> = fc.dictionary(
  fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('constructor', 'toString', 'endpoint', 'status_code')),
  fc.jsonValue({ maxDepth: 3 }),
  { maxKeys: 4, noNullPrototype: true }
);

/** A valid event of the contract (unique `event_id` is up to the caller). */
export const validEvent: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    event_id: idText,
    timestamp: fc.oneof(
      dateInRange.map((d) => d.toISOString()),
      dateInRange.map((d) => d.toISOString().slice(0, 10)),
      dateInRange.map((d) => d.getTime()),
      fc.constantFrom('2026-11-26T10:30:00Z', '2026-11-26T12:30:00+02:00', 0, '0001-01-01T00:00:00Z')
    ),
    event_type: idText,
    source: idText,
    severity: fc.constantFrom(...VALID_SEVERITIES),
    message: fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('', 'm'.repeat(8192))),
    metadata: metadataValue,
    correlation_id: fc.oneof(idText, fc.constant(null)),
  },
  { requiredKeys: ['event_type', 'source', 'message'] }
);

/** A mutation that makes an event invalid, and the field the 400 names (`''`: the element itself). */
export interface EventBreak {
  field: string;
  apply: (e: Record<string, unknown>) => unknown;
}

const set =
  (field: string, value: unknown) =>
  (e: Record<string, unknown>): unknown => ({ ...e, [field]: value });
const drop =
  (field: string) =>
  (e: Record<string, unknown>): unknown => {
    const { [field]: _gone, ...rest } = e;
    return rest;
  };

/** `{"a": {"a": ... 1}}`, `depth` objects deep, built without recursion. */
export function nested(depth: number): Record<string, unknown> {
  let v: Record<string, unknown> = { a: 1 };
  for (let i = 1; i < depth; i++) {
    v = { a: v };
  }
  return v;
}

const notAString = fc.constantFrom<unknown>(1, 0, -1.5, true, false, [], ['x'], {}, { a: 'b' }, null);

/** Ways to break exactly one field of a valid event, each surely invalid. */
export const eventBreak: fc.Arbitrary<EventBreak> = fc.oneof(
  fc.constantFrom('event_type', 'source', 'message').map((f): EventBreak => ({ field: f, apply: drop(f) })),
  fc
    .tuple(fc.constantFrom('event_type', 'source', 'message', 'event_id'), notAString)
    .map(([f, v]): EventBreak => ({ field: f, apply: set(f, v) })),
  fc.constantFrom('event_type', 'source', 'event_id', 'correlation_id').map((f): EventBreak => ({ field: f, apply: set(f, '') })),
  fc
    .tuple(fc.constantFrom('event_type', 'source', 'event_id', 'correlation_id'), fc.integer({ min: 257, max: 2000 }))
    .map(([f, n]): EventBreak => ({ field: f, apply: set(f, 'x'.repeat(n)) })),
  fc.integer({ min: 8193, max: 20_000 }).map((n): EventBreak => ({ field: 'message', apply: set('message', 'm'.repeat(n)) })),
  fc
    .constantFrom<unknown>('urgent', '', 'HIGHEST', 3, null, true, ['high'], { high: 1 }, 'constructor', '__proto__')
    .map((v): EventBreak => ({ field: 'severity', apply: set('severity', v) })),
  fc
    .constantFrom<unknown>('yesterday', '', -1, 1.5, 2 ** 53, 1e300, '2026-13-01T00:00:00Z', '2026-11-26 10:30', '2026-11-26T10:30:00', true, null, [], {}, 'NaN')
    .map((v): EventBreak => ({ field: 'timestamp', apply: set('timestamp', v) })),
  fc.constantFrom<unknown>([], ['a'], 'x', 1, null, true).map((v): EventBreak => ({ field: 'metadata', apply: set('metadata', v) })),
  // Deeper than the store can write (and than MAX_METADATA_DEPTH).
  fc.integer({ min: 33, max: 3000 }).map((depth): EventBreak => ({ field: 'metadata', apply: set('metadata', nested(depth)) })),
  // Half a surrogate pair: the store keeps other bytes than the id holds.
  fc
    .tuple(fc.constantFrom('event_id', 'event_type', 'source', 'correlation_id'), fc.constantFrom('\ud800', 'a\udfff', '\udc00\ud800', `${'😀'.repeat(10)}\ud83d`))
    .map(([f, v]): EventBreak => ({ field: f, apply: set(f, v) })),
  // Past the last time a Date can hold.
  fc.constantFrom(8.64e15 + 1, Number.MAX_SAFE_INTEGER).map((v): EventBreak => ({ field: 'timestamp', apply: set('timestamp', v) })),
  fc.constantFrom<unknown>(1, true, [], {}).map((v): EventBreak => ({ field: 'correlation_id', apply: set('correlation_id', v) })),
  fc.constantFrom<unknown>(null, 1, 'event', true, [], [{}]).map((v): EventBreak => ({ field: '', apply: () => v }))
);

/** Valid events and events with one field broken, for routes that take events. */
export const nearValidEvent: fc.Arbitrary<unknown> = fc.oneof(
  validEvent,
  fc.tuple(validEvent, eventBreak).map(([e, b]) => b.apply(e)),
  fc.tuple(validEvent, fc.nat(), mutation).map(([e, i, m]) => mutateAt(e, i, m).value)
);

/** Event text whose metadata nests deep (JSON.stringify, used to store it, recurses). */
export const deepMetadataEventText: fc.Arbitrary<string> = fc
  .tuple(validEvent, deepJsonText.filter((t) => t.startsWith('{')))
  .map(([e, deep]) => JSON.stringify({ ...e, metadata: DEEP_MARKER }).replace(JSON.stringify(DEEP_MARKER), deep));

/** Bodies of `POST /api/v1/events`: one event or a batch, near-valid, or with deep metadata. */
export const eventsBodyText: fc.Arbitrary<string> = fc.oneof(
  nearValidEvent.map((e) => JSON.stringify(e) ?? 'null'),
  fc.array(nearValidEvent, { maxLength: 8 }).map((es) => JSON.stringify(es)),
  deepMetadataEventText,
  fc.array(deepMetadataEventText, { minLength: 1, maxLength: 2 }).map((ts) => `[${ts.join(',')}]`)
);

// ---------------------------------------------------------------------------------------------
// Alertmanager and Grafana webhook payloads, mutated from the fixtures

export type Fixture = Record<string, unknown>;
export const ALERTMANAGER_FIXTURE = alertmanagerFixture as Fixture;
export const GRAFANA_FIXTURE = grafanaFixture as Fixture;

/** Label and annotation values that steer the mapping: severity words, incident types, poison keys. */
const labelValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('critical', 'CRITICAL', ' error ', 'warning', 'info', 'low', 'high', 'page', 'constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', ''),
  fc.constantFrom(...INCIDENT_TYPES, 'ERROR_BURST', ' disk_space_low '),
  nastyString
);

const labelKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('alertname', 'severity', 'service', 'job', 'instance', 'incident_type', 'summary', 'description', '__proto__', 'constructor', 'toString', ''),
  fc.string({ maxLength: 10 })
);

const labelMap: fc.Arbitrary<Record<string, string>> = fc.dictionary(labelKey, labelValue, { maxKeys: 6, noNullPrototype: true });

const alertTime: fc.Arbitrary<string> = fc.oneof(
  dateInRange.map((d) => d.toISOString()),
  fc.constantFrom(
    '0001-01-01T00:00:00Z',
    '0001-01-01T00:00:00.000000000Z',
    '0001-01-01T00:00:00+00:00',
    '2026-11-26T10:25:00.123456789Z',
    '2026-11-26T10:25:00-07:00',
    '2026-11-26T10:25:00+14:00',
    '9999-12-31T23:59:59Z',
    '0000-01-01T00:00:00Z',
    '1970-01-01T00:00:00Z'
  ),
  // RFC 3339 puts no bound on the fraction's digits.
  fc.integer({ min: 10, max: 400 }).map((n) => `2026-11-26T10:25:00.${'1'.repeat(n)}Z`)
);

/** An alert built from scratch (valid per schema) with labels that hit every fallback of the mapping. */
const generatedAlert = (grafana: boolean): fc.Arbitrary<Record<string, unknown>> =>
  fc.record(
    {
      status: fc.constantFrom('firing', 'resolved'),
      labels: labelMap,
      annotations: labelMap,
      startsAt: alertTime,
      endsAt: alertTime,
      generatorURL: fc.oneof(fc.constant(''), fc.webUrl()),
      fingerprint: fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.constant('f'.repeat(128)), fc.string({ unit: 'binary', minLength: 1, maxLength: 8 })),
      ...(grafana
        ? {
            dashboardURL: fc.oneof(fc.constant(''), fc.webUrl()),
            panelURL: fc.oneof(fc.constant(''), fc.webUrl()),
            values: fc.oneof(fc.constant(null), fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(null)), { maxKeys: 3, noNullPrototype: true })),
            valueString: fc.string({ maxLength: 20 }),
          }
        : {}),
    },
    { requiredKeys: ['status', 'labels', 'startsAt'] }
  );

/** Payloads: the fixture with generated alerts and group fields, valid per the webhook schema. */
export function validWebhook(fixture: Fixture, grafana: boolean): fc.Arbitrary<Fixture> {
  return fc
    .record({
      alerts: fc.oneof(fc.constant(fixture.alerts as unknown[]), fc.array(generatedAlert(grafana), { minLength: 0, maxLength: 5 })),
      groupKey: fc.oneof(fc.constant(fixture.groupKey as string), nastyString),
      receiver: fc.oneof(fc.constant(fixture.receiver as string), nastyString),
      status: fc.constantFrom('firing', 'resolved'),
      externalURL: fc.oneof(fc.constant(''), fc.webUrl(), fc.constant(undefined)),
      title: fc.oneof(fc.constant(undefined), nastyString),
    })
    .map(({ externalURL, title, ...rest }) => {
      const out: Fixture = { ...structuredClone(fixture), ...rest };
      if (externalURL === undefined) {
        delete out.externalURL;
      } else {
        out.externalURL = externalURL;
      }
      if (grafana) {
        if (title === undefined) {
          delete out.title;
        } else {
          out.title = title;
        }
      }
      return out;
    });
}

/** The fixture (or a generated valid payload) with 1 to 3 places deleted or changed to a wrong value. */
export function mutatedWebhook(fixture: Fixture, grafana: boolean): fc.Arbitrary<unknown> {
  return fc
    .tuple(validWebhook(fixture, grafana), fc.array(fc.tuple(fc.nat(), mutation), { minLength: 1, maxLength: 3 }))
    .map(([payload, changes]) => changes.reduce<unknown>((v, [i, m]) => mutateAt(v, i, m).value, payload));
}

/** What a webhook route or mapper may get: valid, near-valid, or anything. */
export function webhookPayload(fixture: Fixture, grafana: boolean): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: validWebhook(fixture, grafana) },
    { weight: 4, arbitrary: mutatedWebhook(fixture, grafana) },
    { weight: 1, arbitrary: jsonTree.map((t) => JSON.parse(renderJson(t)) as unknown) }
  );
}
