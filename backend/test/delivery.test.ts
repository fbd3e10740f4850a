import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HttpReceiver, type Reply } from '../src/notification/channels/testing/http-receiver';
import type { ConfigInput } from '../src/config/schema';
import { startBackend, type Backend } from './harness';

// Real servers and processes: generous under a loaded CI machine, though each test takes about a second.
jest.setTimeout(20_000);

const alertmanager = JSON.parse(readFileSync(join(__dirname, '../src/ingest/webhooks/fixtures/alertmanager-webhook-v4.json'), 'utf8'));

let b: Backend;
const receivers: HttpReceiver[] = [];

/** Receivers by name, each a real HTTP server; the config routes every incident to all of them. */
type Recorded = HttpReceiver & { at: number[]; respond: Reply | ((req: unknown) => Reply) };

async function setup(names: string[], extra: ConfigInput = {}): Promise<Record<string, Recorded>> {
  const out: Record<string, Recorded> = {};
  const channels: Record<string, unknown> = {};
  for (const name of names) {
    const r: Recorded = Object.assign(await HttpReceiver.start(), { at: [] as number[], respond: { status: 200 } as Reply });
    receivers.push(r);
    out[name] = r;
    channels[name] = { type: 'webhook', url: r.url(`/hook/${name}/secret-token-${name}`), timeout_seconds: 1 };
  }
  // The receivers listen on loopback, which the operator names.
  const security = { outbound: { allowlist: ['127.0.0.1'] } };
  b = await startBackend({ security, ...extra, notification: { channels: channels as any, routes: [{ receivers: names }] } });
  // Each receiver notes when (on the test's clock) an attempt arrived, then answers what the test says.
  for (const r of Object.values(out)) {
    r.reply = (req) => {
      r.at.push((b.clock.now() - startedAt) / 1000);
      return typeof r.respond === 'function' ? r.respond(req) : r.respond;
    };
  }
  return out;
}

let startedAt = 0;

/** Opens an incident by hand; its notification is written to the outbox with it. */
async function openIncident(): Promise<string> {
  startedAt = b.clock.now();
  const res = await b.post('/api/v1/incidents', { incident_type: 'custom', severity: 'high', title: 'Checkout failing', components: ['shop'] });
  expect(res.status).toBe(201);
  return res.body.incident_id;
}

/** Lets `seconds` pass one second at a time, with the relay looking after each. */
async function tickFor(seconds: number): Promise<void> {
  for (let i = 0; i < seconds; i++) {
    b.clock.advance(1);
    await b.settle();
  }
}

function answer(fn: () => Reply): (req: unknown) => Reply {
  return () => fn();
}

afterEach(async () => {
  await b.close();
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

describe('the notification relay', () => {
  it('retries a receiver that answers 500 for 20 s with growing gaps, and sends the others nothing extra', async () => {
    const r = await setup(['flaky', 'steady']);
    r.flaky.respond = answer(() => ((b.clock.now() - startedAt) / 1000 < 20 ? { status: 500, body: 'upstream down' } : { status: 200 }));
    const id = await openIncident();
    await b.settle();
    await tickFor(40);
    expect(r.flaky.at).toEqual([0, 1, 3, 7, 15, 31]);
    const gaps = r.flaky.at.slice(1).map((t, i) => t - r.flaky.at[i]);
    expect(gaps).toEqual([1, 2, 4, 8, 16]);
    expect(r.steady.requests).toHaveLength(1);
    const flaky = (await b.get(`/api/v1/incidents/${id}/notifications`)).body.find((d: any) => d.receiver === 'flaky');
    expect(flaky).toMatchObject({ status: 'sent', attempts: 6, last_status: 200 });
    // The same delivery each time: a receiver can drop repeats by its id.
    expect(new Set(r.flaky.requests.map((q) => q.headers['x-mahavishnu-delivery'])).size).toBe(1);
  });

  it('does not retry 400, 404 or 410, and shows the failure in the API and the metrics without the URL', async () => {
    const r = await setup(['r400', 'r404', 'r410']);
    r.r400.respond = { status: 400, body: 'invalid payload' };
    r.r404.respond = { status: 404, body: 'no such hook' };
    r.r410.respond = { status: 410, body: 'gone' };
    const id = await openIncident();
    await b.settle();
    await tickFor(60);
    expect([r.r400, r.r404, r.r410].map((x) => x.requests.length)).toEqual([1, 1, 1]);
    const deliveries = (await b.get(`/api/v1/incidents/${id}/notifications`)).body;
    expect(deliveries.map((d: any) => [d.receiver, d.status, d.attempts, d.last_status])).toEqual([
      ['r400', 'failed', 1, 400],
      ['r404', 'failed', 1, 404],
      ['r410', 'failed', 1, 410],
    ]);
    const metrics = (await b.get('/metrics')).body as string;
    expect(metrics).toMatch(/mahavishnu_notifications_total\{receiver="r404",channel_type="webhook",kind="incident_created",outcome="failed"\} 1/);
    const shown = JSON.stringify(deliveries) + metrics;
    expect(shown).not.toContain('secret-token');
  });

  it('waits for 429 Retry-After before the next attempt', async () => {
    const r = await setup(['limited']);
    let first = true;
    r.limited.respond = answer(() => {
      const reply: Reply = first ? { status: 429, body: 'slow down', headers: { 'retry-after': '3' } } : { status: 200 };
      first = false;
      return reply;
    });
    const id = await openIncident();
    await b.settle();
    await tickFor(2);
    expect(r.limited.at).toEqual([0]);
    await tickFor(1);
    expect(r.limited.at).toEqual([0, 3]);
    expect((await b.get(`/api/v1/incidents/${id}/notifications`)).body[0]).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('times out a receiver that hangs and retries it, without slowing the others', async () => {
    const r = await setup(['hangs', 'quick']);
    r.hangs.respond = 'hang';
    const id = await openIncident();
    const started = Date.now();
    b.manager.services.relay.kick();
    // The quick receiver is served while the hanging one is still waiting.
    while (r.quick.requests.length === 0 && Date.now() - started < 900) {
      await new Promise((res) => setTimeout(res, 10));
    }
    expect(r.quick.requests).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(900);
    await b.manager.services.relay.settle();
    const hung = (await b.get(`/api/v1/incidents/${id}/notifications`)).body.find((d: any) => d.receiver === 'hangs');
    expect(hung).toMatchObject({ status: 'pending', attempts: 1, last_error: expect.stringMatching(/timed out/) });
    r.hangs.respond = { status: 200 };
    await tickFor(1);
    expect((await b.get(`/api/v1/incidents/${id}/notifications`)).body.find((d: any) => d.receiver === 'hangs')).toMatchObject({ status: 'sent', attempts: 2 });
    expect(r.quick.requests).toHaveLength(1);
  });

  it('sends one notification for the same Alertmanager payload posted 100 times', async () => {
    const r = await setup(['oncall'], { detection: { alertname_types: { HighErrorRate: 'error_burst' } } });
    for (let i = 0; i < 100; i++) {
      expect((await b.post('/api/v1/webhooks/alertmanager', alertmanager)).status).toBe(202);
    }
    await b.settle();
    await tickFor(5);
    expect((await b.get('/api/v1/incidents')).body).toHaveLength(1);
    expect(r.oncall.requests.map((q) => q.headers['x-mahavishnu-event'])).toEqual(['incident_created']);
  });
});
