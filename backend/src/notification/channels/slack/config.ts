import { z } from 'zod';
import { HttpUrlSchema, TimeoutSecondsSchema } from '../config-parts';

/** A Slack incoming webhook; `channel` and `username` override the webhook's defaults where Slack still allows it. */
export const SlackChannelConfigSchema = z
  .object({
    type: z.literal('slack'),
    /** The webhook URL is the credential: anyone holding it can post to the channel. */
    webhook_url: HttpUrlSchema,
    timeout_seconds: TimeoutSecondsSchema,
    channel: z.string().min(1).optional(),
    username: z.string().min(1).optional(),
  })
  .strict();

/** A parsed Slack config, defaults filled in. */
export type SlackChannelConfig = z.output<typeof SlackChannelConfigSchema>;
