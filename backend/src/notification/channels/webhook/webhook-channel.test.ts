import { NOTIFICATION_KINDS } from '../../channel';
import { ManualClock } from '../../../util/clock';
import { testDeps } from '../testing/deps';
import { closedPort, HttpReceiver } from '../testing/http-receiver';
import { makeIncident, makeMessage } from '../testing/message';
import { WebhookChannelConfigSchema } from './config';
import { verifyWebhookSignature } from './signature';
import { createWebhookChannel } from './webhook-channel';

const SECRET = 'whsec_0123456789abcdef';
const TOKEN = 'Bearer tok_abcdef123456';
const NOW = '2026-11-26T10:30:05Z';

let receiver: HttpReceiver;
beforeAll(async () => {
  receiver = await HttpReceiver.start();
});
afterAll(() => receiver.close());
beforeEach(() => receiver.reset({ status: 204 }));

function channelFor(cfg: Record<string, unknown>) {
  const clock = new ManualClock(Date.parse(NOW));
  return createWebhookChannel(
    'ops-hook',
    WebhookChannelConfigSchema.parse({ type: 'webhook', ...cfg }),
    testDeps({ clock })
  );
}
const signed = () =>
  channelFor({
    url: receiver.url('/hooks/mahavishnu?token=q5ecret'),
    secret: SECRET,
    headers: { Authorization: TOKEN },
  });

describe('webhook channel against a loopback receiver', () => {
  it('posts the incident as JSON with event and delivery headers', async () => {
    const msg = makeMessage({ kind: 'severity_changed', details: { from: 'medium', to: 'high' } });
    expect(await channelFor({ url: receiver.url('/hook') }).send(msg)).toEqual({ outcome: 'sent', status: 204 });

    const [req] = receiver.requests;
    expect(req.headers).toMatchObject({
      'content-type': 'application/json',
      'x-mahavishnu-event': 'severity_changed',
      'x-mahavishnu-delivery': 'dlv_000001',
    });
    expect(req.headers).not.toHaveProperty('x-mahavishnu-signature');
    expect(JSON.parse(req.body)).toEqual({
      incident_id: 'inc_00001',
      type: 'error_burst',
      severity: 'high',
      status: 'detected',
      title: 'Error Burst - 2026-11-26 10:30',
      url: 'http://grafana.example:3000/a/mahavishnu-app/incidents/inc_00001',
      event: 'severity_changed',
      headline: 'New incident inc_00001: Error Burst - 2026-11-26 10:30',
      details: { from: 'medium', to: 'high' },
      delivery_id: 'dlv_000001',
      timestamp: '2026-11-26T10:30:00Z',
      incident: makeIncident(),
    });
  });

  it('signs the body so verifyWebhookSignature accepts it, and rejects it after one byte changes', async () => {
    expect(await signed().send(makeMessage())).toMatchObject({ outcome: 'sent' });

    const [req] = receiver.requests;
    const timestamp = req.headers['x-mahavishnu-timestamp'] as string;
    const signature = req.headers['x-mahavishnu-signature'] as string;
    expect(timestamp).toBe(String(Date.parse(NOW) / 1000));
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(req.headers.authorization).toBe(TOKEN);
    expect(verifyWebhookSignature(SECRET, timestamp, req.body, signature)).toBe(true);

    const tampered = req.body.replace('"severity":"high"', '"severity":"higH"');
    expect(tampered).not.toBe(req.body);
    expect(verifyWebhookSignature(SECRET, timestamp, tampered, signature)).toBe(false);
  });

  it.each([408, 429, 500, 502, 503])('retries %i', async (status) => {
    receiver.reply = { status, body: 'busy' };
    expect(await signed().send(makeMessage())).toEqual({ outcome: 'retry', reason: `HTTP ${status}: busy`, status });
  });

  it.each([400, 401, 404, 410, 422])('fails %i for good', async (status) => {
    receiver.reply = { status, body: 'no' };
    expect(await signed().send(makeMessage())).toEqual({ outcome: 'failed', reason: `HTTP ${status}: no`, status });
  });

  it('never puts the URL, the secret or the auth header in a reason, even when the receiver echoes them', async () => {
    receiver.reply = (req) => ({
      status: 401,
      body: `bad ${req.headers.authorization} for ${req.path} signed with ${SECRET} at ${receiver.origin.replace('http://', '')}${req.path}`,
    });
    const result = await signed().send(makeMessage());
    expect(result).toEqual({
      outcome: 'failed',
      reason: 'HTTP 401: bad [redacted] for [redacted] signed with [redacted] at [redacted]',
      status: 401,
    });
  });

  it('retries a refused connection', async () => {
    const result = await channelFor({
      url: `http://127.0.0.1:${await closedPort()}/hooks?token=q5ecret`,
      secret: SECRET,
    }).send(makeMessage());
    expect(result).toEqual({ outcome: 'retry', reason: 'connection refused' });
  });

  it('retries with a timeout reason when the receiver never answers', async () => {
    receiver.reply = 'hang';
    const started = Date.now();
    const result = await channelFor({ url: receiver.url('/hook'), timeout_seconds: 1 }).send(makeMessage());
    expect(result).toEqual({ outcome: 'retry', reason: expect.stringMatching(/^timed out/) });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('accepts every kind', () => {
    const hook = channelFor({ url: receiver.url('/hook') });
    expect(NOTIFICATION_KINDS.filter((k) => hook.accepts(k))).toEqual([...NOTIFICATION_KINDS]);
  });
});

describe('webhook config', () => {
  it.each([
    ['a short secret', { url: 'https://x.example/h', secret: 'short' }],
    [
      'a header that overrides the signature',
      { url: 'https://x.example/h', headers: { 'X-Mahavishnu-Signature': 'x' } },
    ],
    ['a content-type header', { url: 'https://x.example/h', headers: { 'Content-Type': 'text/plain' } }],
    ['a header value with a line break', { url: 'https://x.example/h', headers: { 'X-Team': 'a\r\nX-Evil: 1' } }],
    ['a header name with a space', { url: 'https://x.example/h', headers: { 'X Team': 'a' } }],
    ['an unknown field', { url: 'https://x.example/h', retries: 3 }],
  ])('rejects %s', (_name, cfg) => {
    expect(WebhookChannelConfigSchema.safeParse({ type: 'webhook', ...cfg }).success).toBe(false);
  });
});
