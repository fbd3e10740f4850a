import { NOTIFICATION_KINDS } from '../../channel';
import { testDeps } from '../testing/deps';
import { closedPort, HttpReceiver } from '../testing/http-receiver';
import { makeMessage } from '../testing/message';
import { PagerDutyChannelConfigSchema } from './config';
import { PagerDutyEventV2Schema } from './events-v2.schema';
import { createPagerDutyChannel } from './pagerduty-channel';

const ROUTING_KEY = 'R0UTINGKEY0123456789abcdef012345';
const ACCEPTED = { status: 202, body: '{"status":"success","message":"Event processed","dedup_key":"inc_00001"}' };

let receiver: HttpReceiver;
beforeAll(async () => {
  receiver = await HttpReceiver.start();
});
afterAll(() => receiver.close());
beforeEach(() => receiver.reset(ACCEPTED));

const channelFor = (url: string, extra: Record<string, unknown> = {}) =>
  createPagerDutyChannel(
    'pd-primary',
    PagerDutyChannelConfigSchema.parse({ type: 'pagerduty', routing_key: ROUTING_KEY, url, ...extra }),
    testDeps()
  );
const channel = () => channelFor(receiver.url('/v2/enqueue'));

describe('pagerduty channel against a loopback receiver', () => {
  it('sends trigger, acknowledge and resolve that validate against Events API v2', async () => {
    const pd = channel();
    for (const kind of ['incident_created', 'severity_changed', 'acknowledged', 'resolved'] as const) {
      expect(await pd.send(makeMessage({ kind }))).toEqual({ outcome: 'sent', status: 202 });
    }

    const bodies = receiver.json().map((b) => PagerDutyEventV2Schema.parse(b));
    expect(bodies.map((b) => b.event_action)).toEqual(['trigger', 'trigger', 'acknowledge', 'resolve']);
    expect(new Set(bodies.map((b) => b.dedup_key))).toEqual(new Set(['inc_00001']));
    expect(new Set(bodies.map((b) => b.routing_key))).toEqual(new Set([ROUTING_KEY]));
    expect(
      receiver.requests.every(
        (r) => r.method === 'POST' && r.path === '/v2/enqueue' && r.headers['content-type'] === 'application/json'
      )
    ).toBe(true);
  });

  it('counts any 2xx as sent', async () => {
    receiver.reply = { status: 200, body: '' };
    expect(await channel().send(makeMessage())).toEqual({ outcome: 'sent', status: 200 });
  });

  it('fails a 400 for good, quoting PagerDuty but never the routing key', async () => {
    receiver.reply = (req) => ({
      status: 400,
      body: JSON.stringify({
        status: 'invalid event',
        message: 'Event object is invalid',
        errors: [`bad routing_key ${(JSON.parse(req.body) as { routing_key: string }).routing_key}`],
      }),
    });
    const result = await channel().send(makeMessage());
    expect(result).toEqual({
      outcome: 'failed',
      reason:
        'HTTP 400: {"status":"invalid event","message":"Event object is invalid","errors":["bad routing_key [redacted]"]}',
      status: 400,
    });
  });

  it('retries a 429, after its Retry-After when given', async () => {
    receiver.reply = { status: 429, body: '', headers: { 'Retry-After': '30' } };
    expect(await channel().send(makeMessage())).toEqual({
      outcome: 'retry',
      reason: 'HTTP 429',
      status: 429,
      retryAfterMs: 30_000,
    });
    receiver.reply = { status: 429, body: '' };
    expect(await channel().send(makeMessage())).toEqual({ outcome: 'retry', reason: 'HTTP 429', status: 429 });
  });

  it('retries a 503', async () => {
    receiver.reply = { status: 503, body: 'Service Unavailable' };
    expect(await channel().send(makeMessage({ kind: 'resolved' }))).toEqual({
      outcome: 'retry',
      reason: 'HTTP 503: Service Unavailable',
      status: 503,
    });
  });

  it('retries a refused connection without naming the URL or the key', async () => {
    const result = await channelFor(`http://127.0.0.1:${await closedPort()}/v2/enqueue`).send(makeMessage());
    expect(result).toEqual({ outcome: 'retry', reason: 'connection refused' });
  });

  it('retries with a timeout reason when PagerDuty never answers', async () => {
    receiver.reply = 'hang';
    const started = Date.now();
    const result = await channelFor(receiver.url('/v2/enqueue'), { timeout_seconds: 1 }).send(makeMessage());
    expect(result).toEqual({ outcome: 'retry', reason: expect.stringMatching(/^timed out/) });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('takes only new incidents, severity changes, acknowledgements and resolutions', async () => {
    const pd = channel();
    expect(NOTIFICATION_KINDS.filter((k) => pd.accepts(k))).toEqual([
      'incident_created',
      'severity_changed',
      'acknowledged',
      'resolved',
    ]);
    expect(await pd.send(makeMessage({ kind: 'approval_needed' }))).toEqual({
      outcome: 'failed',
      reason: 'PagerDuty is not told about approval_needed notifications',
    });
    expect(receiver.requests).toHaveLength(0);
  });
});

describe('pagerduty config', () => {
  it('defaults to the public events URL and a 10 s timeout', () => {
    expect(PagerDutyChannelConfigSchema.parse({ type: 'pagerduty', routing_key: ROUTING_KEY })).toEqual({
      type: 'pagerduty',
      routing_key: ROUTING_KEY,
      url: 'https://events.pagerduty.com/v2/enqueue',
      timeout_seconds: 10,
    });
    expect(PagerDutyChannelConfigSchema.safeParse({ type: 'pagerduty', routing_key: '' }).success).toBe(false);
    expect(
      PagerDutyChannelConfigSchema.safeParse({ type: 'pagerduty', routing_key: ROUTING_KEY, severity: 'x' }).success
    ).toBe(false);
  });
});
