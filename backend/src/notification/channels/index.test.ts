import { CHANNEL_TYPES } from '../channel';
import {
  channelSecrets,
  ChannelConfigSchema,
  createChannel,
  REGISTERED_CHANNEL_TYPES,
  type ChannelConfig,
} from './index';
import { testDeps } from './testing/deps';

const CONFIGS = {
  log: { type: 'log' },
  slack: { type: 'slack', webhook_url: 'https://hooks.slack.com/services/T0/B0/XYZ' },
  pagerduty: { type: 'pagerduty', routing_key: 'R0UTINGKEY0123456789abcdef012345' },
  email: {
    type: 'email',
    smtp: { host: 'mail.example', user: 'notifier', password: 'sm7p-Pa55word!' },
    from: 'a@example.com',
    to: ['b@example.com'],
  },
  webhook: {
    type: 'webhook',
    url: 'https://hooks.example/in?token=abc',
    secret: 'whsec_0123456789abcdef',
    headers: { Authorization: 'Bearer tok' },
  },
} as const;

const parse = (raw: unknown): ChannelConfig => ChannelConfigSchema.parse(raw);

describe('channel registry', () => {
  it('knows every channel type, once', () => {
    expect([...REGISTERED_CHANNEL_TYPES].sort()).toEqual([...CHANNEL_TYPES].sort());
  });

  it.each(CHANNEL_TYPES)('parses a %s config and builds a channel of that type', (type) => {
    const channel = createChannel(`my-${type}`, parse(CONFIGS[type]), testDeps());
    expect(channel).toMatchObject({ name: `my-${type}`, type });
  });

  it('fills in the defaults of the chosen type', () => {
    expect(parse(CONFIGS.pagerduty)).toMatchObject({
      url: 'https://events.pagerduty.com/v2/enqueue',
      timeout_seconds: 10,
    });
  });

  it('rejects an unknown type and fields of another type', () => {
    expect(ChannelConfigSchema.safeParse({ type: 'sms', number: '+100' }).success).toBe(false);
    expect(ChannelConfigSchema.safeParse({ ...CONFIGS.slack, routing_key: 'x' }).success).toBe(false);
    expect(ChannelConfigSchema.safeParse({ type: 'log', webhook_url: 'https://x.example' }).success).toBe(false);
  });

  it('lists the secrets of each config', () => {
    expect(channelSecrets(parse(CONFIGS.log))).toEqual([]);
    expect(channelSecrets(parse(CONFIGS.slack))).toEqual(['https://hooks.slack.com/services/T0/B0/XYZ']);
    expect(channelSecrets(parse(CONFIGS.pagerduty))).toEqual(['R0UTINGKEY0123456789abcdef012345']);
    expect(channelSecrets(parse({ ...CONFIGS.pagerduty, url: 'https://relay.example/pd?key=k' }))).toEqual([
      'R0UTINGKEY0123456789abcdef012345',
      'https://relay.example/pd?key=k',
    ]);
    expect(channelSecrets(parse(CONFIGS.email))).toEqual(['sm7p-Pa55word!']);
    expect(channelSecrets(parse(CONFIGS.webhook))).toEqual([
      'https://hooks.example/in?token=abc',
      'whsec_0123456789abcdef',
      'Bearer tok',
    ]);
  });
});
