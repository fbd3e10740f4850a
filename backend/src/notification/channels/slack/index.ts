import { defineChannel } from '../definition';
import { SlackChannelConfigSchema } from './config';
import { createSlackChannel } from './slack-channel';

export { SlackChannelConfigSchema, type SlackChannelConfig } from './config';
export { slackPayload, type SlackPayload, type SlackBlock } from './payload';
export { createSlackChannel } from './slack-channel';

/** The Slack channel type, as the registry lists it. */
export const slackChannel = defineChannel({
  type: 'slack',
  schema: SlackChannelConfigSchema,
  create: createSlackChannel,
  secrets: (cfg) => [cfg.webhook_url],
});
