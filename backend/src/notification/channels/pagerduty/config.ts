import { z } from 'zod';
import { HttpUrlSchema, TimeoutSecondsSchema } from '../config-parts';

/** Where PagerDuty's Events API v2 takes events; configurable for EU accounts and for tests. */
export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

/** A PagerDuty service, reached through the routing (integration) key of its Events API v2 integration. */
export const PagerDutyChannelConfigSchema = z
  .object({
    type: z.literal('pagerduty'),
    /** The integration key is the credential: anyone holding it can open incidents on the service. */
    routing_key: z.string().min(1),
    url: HttpUrlSchema.default(PAGERDUTY_EVENTS_URL),
    timeout_seconds: TimeoutSecondsSchema,
    /** Shown as the alert's source; defaults to the first affected component. */
    source: z.string().min(1).optional(),
  })
  .strict();

/** A parsed PagerDuty config, defaults filled in. */
export type PagerDutyChannelConfig = z.output<typeof PagerDutyChannelConfigSchema>;
