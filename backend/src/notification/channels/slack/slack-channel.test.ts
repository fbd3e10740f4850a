import { NOTIFICATION_KINDS } from '../../channel';
import { testDeps } from '../testing/deps';
import { closedPort, HttpReceiver } from '../testing/http-receiver';
import { makeMessage } from '../testing/message';
import { SlackMessageSchema } from './block-kit.schema';
import { SlackChannelConfigSchema } from './config';
import { createSlackChannel } from './slack-channel';

const HOOK_PATH = '/services/T0000/B0000/s3cr3tWebhookToken';

let receiver: HttpReceiver;
beforeAll(async () => {
  receiver = await HttpReceiver.start();
});
afterAll(() => receiver.close());
beforeEach(() => receiver.reset());

const channelFor = (webhookUrl: string, extra: Record<string, unknown> = {}) =>
  createSlackChannel(
    'slack-oncall',
    SlackChannelConfigSchema.parse({ type: 'slack', webhook_url: webhookUrl, ...extra }),
    testDeps()
  );
const channel = () => channelFor(receiver.url(HOOK_PATH));

describe('slack channel against a loopback receiver', () => {
  it('posts the Block Kit payload as JSON and counts body "ok" as sent', async () => {
    const result = await channel().send(makeMessage());

    expect(result).toEqual({ outcome: 'sent', status: 200 });
    expect(receiver.requests).toHaveLength(1);
    const [req] = receiver.requests;
    expect(req.method).toBe('POST');
    expect(req.path).toBe(HOOK_PATH);
    expect(req.headers['content-type']).toBe('application/json');
    expect(SlackMessageSchema.safeParse(JSON.parse(req.body)).success).toBe(true);
  });

  it('fails a 200 whose body is not "ok"', async () => {
    receiver.reply = { status: 200, body: 'invalid_token' };
    expect(await channel().send(makeMessage())).toEqual({
      outcome: 'failed',
      reason: 'HTTP 200: invalid_token',
      status: 200,
    });
  });

  it('retries a 429 after its Retry-After', async () => {
    receiver.reply = { status: 429, body: 'rate_limited', headers: { 'Retry-After': '3' } };
    expect(await channel().send(makeMessage())).toEqual({
      outcome: 'retry',
      reason: 'HTTP 429: rate_limited',
      status: 429,
      retryAfterMs: 3000,
    });
  });

  it('retries a 500', async () => {
    receiver.reply = { status: 500, body: 'internal_error' };
    expect(await channel().send(makeMessage())).toMatchObject({ outcome: 'retry', status: 500 });
  });

  it.each([
    [400, 'invalid_payload'],
    [403, 'action_prohibited'],
    [404, 'no_service'],
    [410, 'channel_is_archived'],
  ])('fails %i %s for good', async (status, body) => {
    receiver.reply = { status, body };
    expect(await channel().send(makeMessage())).toEqual({
      outcome: 'failed',
      reason: `HTTP ${status}: ${body}`,
      status,
    });
  });

  it('never puts the webhook URL in a reason, even when the receiver echoes it', async () => {
    receiver.reply = (req) => ({ status: 404, body: `no_service for ${receiver.url(req.path)} (path ${req.path})` });
    const result = await channel().send(makeMessage());
    expect(result).toEqual({
      outcome: 'failed',
      reason: 'HTTP 404: no_service for [redacted] (path [redacted])',
      status: 404,
    });

    const refused = await channelFor(`http://127.0.0.1:${await closedPort()}${HOOK_PATH}`).send(makeMessage());
    expect(refused).toEqual({ outcome: 'retry', reason: 'connection refused' });
  });

  it('retries with a timeout reason when the receiver never answers', async () => {
    receiver.reply = 'hang';
    const started = Date.now();
    const result = await channelFor(receiver.url(HOOK_PATH), { timeout_seconds: 1 }).send(makeMessage());
    const elapsed = Date.now() - started;

    // The client's abort ("timed out after 1000 ms") and undici's own header timeout race; both are timeouts.
    expect(result).toEqual({ outcome: 'retry', reason: expect.stringMatching(/^timed out/) });
    expect(JSON.stringify(result)).not.toContain('s3cr3t');
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(3000);
  });

  it('accepts every kind but acknowledged', () => {
    expect(NOTIFICATION_KINDS.filter((k) => channel().accepts(k))).toEqual([
      'incident_created',
      'severity_changed',
      'approval_needed',
      'action_failed',
      'resolved',
    ]);
  });
});

describe('slack config', () => {
  it('fills in the timeout and rejects what is not a Slack webhook config', () => {
    expect(
      SlackChannelConfigSchema.parse({ type: 'slack', webhook_url: 'https://hooks.slack.com/x' }).timeout_seconds
    ).toBe(10);
    for (const bad of [
      { type: 'slack', webhook_url: 'not a url' },
      { type: 'slack', webhook_url: 'ftp://hooks.slack.com/x' },
      { type: 'slack', webhook_url: 'https://hooks.slack.com/x', timeout_seconds: 0 },
      { type: 'slack', webhook_url: 'https://hooks.slack.com/x', timeout_seconds: 121 },
      { type: 'slack', webhook_url: 'https://hooks.slack.com/x', icon: ':fire:' },
    ]) {
      expect(SlackChannelConfigSchema.safeParse(bad).success).toBe(false);
    }
  });
});
