import type { Channel } from '../../channel';
import type { ChannelDeps } from '../deps';
import { guarded } from '../guard';
import { postJson } from '../http-delivery';
import type { SlackChannelConfig } from './config';
import { slackPayload } from './payload';

/** Slack's incoming webhooks answer 200 "ok"; any other body is an error even under a 200. */
const answeredOk = (res: { body: string }) => res.body.trim() === 'ok';

/** A Slack incoming-webhook receiver; acknowledgements are left out, as they would only add noise to the channel. */
export function createSlackChannel(name: string, cfg: SlackChannelConfig, deps: ChannelDeps): Channel {
  const secrets = [cfg.webhook_url];
  return {
    name,
    type: 'slack',
    accepts: (kind) => kind !== 'acknowledged',
    send: guarded(secrets, (msg) =>
      postJson(
        deps,
        {
          url: cfg.webhook_url,
          body: JSON.stringify(slackPayload(msg, cfg)),
          timeoutSeconds: cfg.timeout_seconds,
          secrets,
        },
        { isSuccess: answeredOk }
      )
    ),
  };
}
