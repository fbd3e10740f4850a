import { defineChannel } from '../definition';
import { WebhookChannelConfigSchema } from './config';
import { createWebhookChannel, webhookSecrets } from './webhook-channel';

export { WebhookChannelConfigSchema, type WebhookChannelConfig } from './config';
export { signWebhook, verifyWebhookSignature } from './signature';
export { webhookBody, type WebhookBody } from './body';
export { createWebhookChannel, webhookSecrets } from './webhook-channel';

/** The generic webhook channel type, as the registry lists it. */
export const webhookChannel = defineChannel({
  type: 'webhook',
  schema: WebhookChannelConfigSchema,
  create: createWebhookChannel,
  secrets: webhookSecrets,
});
