import { mapAlert, type AlertContext, type AlertInput } from './map-alert';

const ctx: AlertContext = {
  origin: 'alertmanager',
  groupKey: '{}:{alertname="X"}',
  receiver: 'incident-backend',
  externalURL: null,
};

function alert(overrides: Partial<AlertInput> = {}): AlertInput {
  return {
    status: 'firing',
    labels: { alertname: 'X' },
    annotations: {},
    startsAt: '2026-11-26T10:00:00Z',
    endsAt: '0001-01-01T00:00:00Z',
    fingerprint: 'abcdef0123456789',
    ...overrides,
  };
}

describe('mapAlert severity from the severity label', () => {
  it.each([
    ['critical', 'critical'],
    ['CRITICAL', 'critical'],
    ['error', 'high'],
    ['high', 'high'],
    ['High', 'high'],
    ['warning', 'medium'],
    ['info', 'low'],
    ['low', 'low'],
    ['page', 'medium'],
    [undefined, 'medium'],
  ])('severity=%s -> %s', (label, expected) => {
    const labels: Record<string, string> = { alertname: 'X' };
    if (label !== undefined) labels.severity = label;
    expect(mapAlert(alert({ labels }), ctx).severity).toBe(expected);
  });
});

describe('mapAlert incident_type', () => {
  it.each([
    ['disk_space_low', 'disk_space_low'],
    ['Service_Down', 'service_down'],
    ['custom', 'custom'],
    ['not_a_type', null],
    ['', null],
    [undefined, null],
  ])('incident_type=%s -> %s', (label, expected) => {
    const labels: Record<string, string> = { alertname: 'X' };
    if (label !== undefined) labels.incident_type = label;
    expect(mapAlert(alert({ labels }), ctx).metadata.incident_type).toBe(expected);
  });
});

describe('mapAlert source', () => {
  it.each([
    [{ service: 'api', job: 'j', instance: 'i:1' }, 'api'],
    [{ job: 'j', instance: 'i:1' }, 'j'],
    [{ instance: 'i:1' }, 'i:1'],
    [{ service: '', job: 'j' }, 'j'], // an empty label is no label
    [{}, 'alertmanager'],
  ])('%j -> %s', (labels, expected) => {
    expect(mapAlert(alert({ labels }), ctx).source).toBe(expected);
  });
});

describe('mapAlert message', () => {
  it.each([
    [{ summary: 'S', description: 'D' }, { alertname: 'A' }, undefined, 'S'],
    [{ description: 'D' }, { alertname: 'A' }, undefined, 'D'],
    [{}, { alertname: 'A' }, 'Title', 'A'],
    [{}, {}, 'Title', 'Title'],
    [{}, {}, undefined, 'alert'],
  ])('annotations %j, labels %j, fallback %s -> %s', (annotations, labels, fallbackMessage, expected) => {
    expect(mapAlert(alert({ annotations, labels }), { ...ctx, fallbackMessage }).message).toBe(expected);
  });
});

describe('mapAlert timestamp and type', () => {
  it.each([
    ['firing', '2026-11-26T11:00:00Z', '2026-11-26T10:00:00Z', 'alert_firing'],
    ['resolved', '2026-11-26T11:00:00Z', '2026-11-26T11:00:00Z', 'alert_resolved'],
    ['resolved', '0001-01-01T00:00:00Z', '2026-11-26T10:00:00Z', 'alert_resolved'],
    ['resolved', undefined, '2026-11-26T10:00:00Z', 'alert_resolved'],
  ] as const)('%s with endsAt %s -> timestamp %s', (status, endsAt, timestamp, eventType) => {
    const event = mapAlert(alert({ status, endsAt }), ctx);
    expect(event.timestamp).toBe(timestamp);
    expect(event.event_type).toBe(eventType);
    expect(event.metadata.status).toBe(status);
  });
});

describe('mapAlert ids and fingerprints', () => {
  it('builds the event id from origin, group key hash, fingerprint, startsAt and status', () => {
    // 25fb0bff77cf: the first 12 hex chars of sha256('{}:{alertname="X"}').
    expect(mapAlert(alert(), ctx).event_id).toBe(
      'alertmanager:25fb0bff77cf:abcdef0123456789:2026-11-26T10:00:00Z:firing'
    );
  });

  it('computes a stable fingerprint from sorted labels when the sender gives none', () => {
    const labels = { job: 'j', alertname: 'X', instance: 'a:1' };
    const reordered = { instance: 'a:1', alertname: 'X', job: 'j' };
    const first = mapAlert(alert({ labels, fingerprint: undefined }), ctx);
    const second = mapAlert(alert({ labels: reordered, fingerprint: undefined }), ctx);

    // sha256("alertname=X\ninstance=a:1\njob=j"), first 16 hex chars
    expect(first.metadata.fingerprint).toBe('2b8bcea82a546615');
    expect(second.metadata.fingerprint).toBe(first.metadata.fingerprint);
    expect(second.event_id).toBe(first.event_id);
    expect(first.event_id).toContain(':2b8bcea82a546615:');
  });

  it('gives different label sets different computed fingerprints', () => {
    const a = mapAlert(alert({ labels: { alertname: 'X', instance: 'a:1' }, fingerprint: undefined }), ctx);
    const b = mapAlert(alert({ labels: { alertname: 'X', instance: 'a:2' }, fingerprint: undefined }), ctx);
    expect(a.metadata.fingerprint).not.toBe(b.metadata.fingerprint);
  });

  it('keeps a very long service label within the event schema limit', () => {
    const event = mapAlert(alert({ labels: { service: 's'.repeat(1000) } }), ctx);
    expect(event.source).toHaveLength(256);
  });
});
