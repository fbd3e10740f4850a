import { defineChannel } from '../definition';
import { PAGERDUTY_EVENTS_URL, PagerDutyChannelConfigSchema } from './config';
import { createPagerDutyChannel } from './pagerduty-channel';

export { PagerDutyChannelConfigSchema, PAGERDUTY_EVENTS_URL, type PagerDutyChannelConfig } from './config';
export { pagerDutyEvent, pagerDutyDedupKey, PAGERDUTY_ACTIONS, PAGERDUTY_CLIENT } from './event';
export { createPagerDutyChannel } from './pagerduty-channel';
export * from './events-v2.schema';

/** The PagerDuty channel type, as the registry lists it. */
export const pagerDutyChannel = defineChannel({
  type: 'pagerduty',
  schema: PagerDutyChannelConfigSchema,
  create: createPagerDutyChannel,
  // The default events URL is public, but a configured one (a proxy, a relay) may carry a token.
  secrets: (cfg) => [cfg.routing_key, ...(cfg.url === PAGERDUTY_EVENTS_URL ? [] : [cfg.url])],
});
