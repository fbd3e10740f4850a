import { makeMessage } from '../testing/message';
import { PagerDutyChannelConfigSchema } from './config';
import { pagerDutyDedupKey, pagerDutyEvent } from './event';
import { PAGERDUTY_MAX_BODY_BYTES, PagerDutyEventV2Schema, type PagerDutyEventV2 } from './events-v2.schema';

const ROUTING_KEY = 'R0UTINGKEY0123456789abcdef012345';
const cfg = PagerDutyChannelConfigSchema.parse({ type: 'pagerduty', routing_key: ROUTING_KEY });

function trigger(event: PagerDutyEventV2 | null) {
  if (event?.event_action !== 'trigger') throw new Error(`expected a trigger, got ${JSON.stringify(event)}`);
  return event;
}

describe('pagerDutyEvent', () => {
  it('turns a new incident into a trigger PagerDuty would take', () => {
    const event = pagerDutyEvent(makeMessage(), cfg);

    expect(PagerDutyEventV2Schema.parse(event)).toEqual(event);
    expect(event).toMatchObject({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: 'inc_00001',
      payload: {
        summary: 'New incident inc_00001: Error Burst - 2026-11-26 10:30',
        source: 'api-gateway',
        severity: 'error',
        timestamp: '2026-11-26T10:30:00Z',
        component: 'api-gateway, payments',
        group: 'error-burst',
        class: 'error_burst',
        custom_details: { incident_id: 'inc_00001', status: 'detected', event_count: 12 },
      },
      links: [{ href: 'http://grafana.example:3000/a/mahavishnu-app/incidents/inc_00001', text: 'Open incident' }],
      client: 'Mahavishnu Incident Response',
      client_url: 'http://grafana.example:3000/a/mahavishnu-app/incidents/inc_00001',
    });
  });

  it.each([
    ['critical', 'critical'],
    ['high', 'error'],
    ['medium', 'warning'],
    ['low', 'info'],
  ] as const)('maps severity %s to %s', (ours, theirs) => {
    expect(trigger(pagerDutyEvent(makeMessage({ incident: { severity: ours } }), cfg)).payload.severity).toBe(theirs);
  });

  it('names the source from the config, else the first component, else mahavishnu', () => {
    expect(trigger(pagerDutyEvent(makeMessage(), { ...cfg, source: 'prod-eu' })).payload.source).toBe('prod-eu');
    const bare = trigger(
      pagerDutyEvent(makeMessage({ url: null, incident: { affected_components: [], rule_id: null } }), cfg)
    );
    expect(bare.payload.source).toBe('mahavishnu');
    expect(bare.payload).not.toHaveProperty('component');
    expect(bare.payload).not.toHaveProperty('group');
    expect(bare).not.toHaveProperty('links');
    expect(bare).not.toHaveProperty('client_url');
    expect(PagerDutyEventV2Schema.safeParse(bare).success).toBe(true);
  });

  it('sends trigger, acknowledge and resolve with one dedup_key and routing_key', () => {
    const events = (['incident_created', 'severity_changed', 'acknowledged', 'resolved'] as const).map((kind) =>
      pagerDutyEvent(makeMessage({ kind }), cfg)
    );

    expect(events.map((e) => e?.event_action)).toEqual(['trigger', 'trigger', 'acknowledge', 'resolve']);
    expect(new Set(events.map((e) => e?.dedup_key))).toEqual(new Set(['inc_00001']));
    expect(new Set(events.map((e) => e?.routing_key))).toEqual(new Set([ROUTING_KEY]));
    expect(events[2]).toEqual({ routing_key: ROUTING_KEY, dedup_key: 'inc_00001', event_action: 'acknowledge' });
    expect(events[3]).toEqual({ routing_key: ROUTING_KEY, dedup_key: 'inc_00001', event_action: 'resolve' });
    for (const e of events) expect(PagerDutyEventV2Schema.safeParse(e).success).toBe(true);
  });

  it('has nothing to send for approvals and failed actions', () => {
    expect(pagerDutyEvent(makeMessage({ kind: 'approval_needed' }), cfg)).toBeNull();
    expect(pagerDutyEvent(makeMessage({ kind: 'action_failed' }), cfg)).toBeNull();
  });

  it('keeps a summary built from a 600-character title within 1024 characters', () => {
    const title = 'T'.repeat(600);
    const event = trigger(
      pagerDutyEvent(makeMessage({ headline: `New incident inc_00001: ${title}`, incident: { title } }), cfg)
    );
    expect(event.payload.summary).toBe(`New incident inc_00001: ${title}`);

    const longer = trigger(pagerDutyEvent(makeMessage({ headline: `${title}\n${title}` }), cfg));
    expect(longer.payload.summary).toHaveLength(1024);
    expect(longer.payload.summary.endsWith('…')).toBe(true);
    expect(longer.payload.summary).not.toContain('\n');
  });

  it('keeps a dedup_key over 255 characters stable and within the limit', () => {
    const key = `inc_${'9'.repeat(400)}`;
    const a = pagerDutyEvent(makeMessage({ dedup_key: key }), cfg);
    const b = pagerDutyEvent(makeMessage({ kind: 'resolved', dedup_key: key }), cfg);
    expect(a?.dedup_key).toHaveLength(255);
    expect(a?.dedup_key).toBe(b?.dedup_key);
    expect(pagerDutyDedupKey(`${key}0`)).not.toBe(a?.dedup_key);
  });

  it('shrinks custom_details to keep the body under 512 KB', () => {
    const huge = 'x'.repeat(300 * 1024);
    const event = trigger(
      pagerDutyEvent(makeMessage({ details: { log: huge, more: huge }, incident: { description: huge } }), cfg)
    );
    const size = Buffer.byteLength(JSON.stringify(event));
    expect(size).toBeLessThan(PAGERDUTY_MAX_BODY_BYTES);
    expect(event.payload.custom_details).toMatchObject({ incident_id: 'inc_00001', trimmed: expect.any(String) });
    expect(PagerDutyEventV2Schema.safeParse(event).success).toBe(true);

    const wide = Array.from({ length: 5000 }, (_, i) => `${'c'.repeat(200)}${i}`);
    const last = trigger(
      pagerDutyEvent(
        makeMessage({ details: { log: huge, more: huge }, incident: { affected_components: wide, title: huge } }),
        cfg
      )
    );
    expect(Buffer.byteLength(JSON.stringify(last))).toBeLessThan(PAGERDUTY_MAX_BODY_BYTES);
    expect(PagerDutyEventV2Schema.safeParse(last).success).toBe(true);
  });

  it('leaves a normal body untouched', () => {
    const event = trigger(pagerDutyEvent(makeMessage({ details: { from: 'medium', to: 'high' } }), cfg));
    expect(event.payload.custom_details).toMatchObject({
      details: { from: 'medium', to: 'high' },
      description: expect.any(String),
    });
    expect(event.payload.custom_details).not.toHaveProperty('trimmed');
  });
});

describe('the events-v2 schema', () => {
  it('rejects what PagerDuty would reject', () => {
    const ok = pagerDutyEvent(makeMessage(), cfg);
    for (const bad of [
      { ...ok, event_action: 'escalate' },
      { ...ok, routing_key: '' },
      { ...ok, payload: undefined },
      { ...ok, dedup_key: 'k'.repeat(256) },
      { routing_key: ROUTING_KEY, event_action: 'resolve' },
      { ...trigger(ok), payload: { ...trigger(ok).payload, severity: 'high' } },
      { ...trigger(ok), payload: { ...trigger(ok).payload, summary: 's'.repeat(1025) } },
      { ...trigger(ok), payload: { ...trigger(ok).payload, source: '' } },
      { ...trigger(ok), payload: { ...trigger(ok).payload, timestamp: 'yesterday' } },
    ]) {
      expect(PagerDutyEventV2Schema.safeParse(bad).success).toBe(false);
    }
  });
});
