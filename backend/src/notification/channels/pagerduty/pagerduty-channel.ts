import type { Channel } from '../../channel';
import type { ChannelDeps } from '../deps';
import { guarded } from '../guard';
import { postJson } from '../http-delivery';
import type { PagerDutyChannelConfig } from './config';
import { PAGERDUTY_ACTIONS, pagerDutyEvent } from './event';

/**
 * A PagerDuty service via the Events API v2: new incidents and severity changes trigger, and
 * acknowledgements and resolutions follow the alert (all share the incident's dedup_key).
 */
export function createPagerDutyChannel(name: string, cfg: PagerDutyChannelConfig, deps: ChannelDeps): Channel {
  const secrets = [cfg.routing_key, cfg.url];
  return {
    name,
    type: 'pagerduty',
    accepts: (kind) => PAGERDUTY_ACTIONS[kind] !== undefined,
    send: guarded(secrets, async (msg) => {
      const event = pagerDutyEvent(msg, cfg);
      if (event === null) return { outcome: 'failed', reason: `PagerDuty is not told about ${msg.kind} notifications` };
      // PagerDuty answers 202 Accepted; 400 means the event itself is wrong, so only 429 and 5xx are retried.
      return postJson(deps, {
        url: cfg.url,
        body: JSON.stringify(event),
        timeoutSeconds: cfg.timeout_seconds,
        secrets,
      });
    }),
  };
}
