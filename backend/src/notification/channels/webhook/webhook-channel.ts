import type { Channel, NotificationMessage } from '../../channel';
import type { ChannelDeps } from '../deps';
import { guarded } from '../guard';
import { postJson } from '../http-delivery';
import { webhookBody } from './body';
import type { WebhookChannelConfig } from './config';
import { signWebhook } from './signature';

/** The request headers for one delivery; the configured headers first, so they cannot replace ours. */
function headersFor(
  msg: NotificationMessage,
  body: string,
  cfg: WebhookChannelConfig,
  deps: ChannelDeps
): Record<string, string> {
  const headers: Record<string, string> = {
    ...cfg.headers,
    'X-Mahavishnu-Event': msg.kind,
    'X-Mahavishnu-Delivery': msg.delivery_id,
  };
  if (cfg.secret !== undefined) {
    const timestamp = Math.floor(deps.clock.now() / 1000);
    headers['X-Mahavishnu-Timestamp'] = String(timestamp);
    headers['X-Mahavishnu-Signature'] = signWebhook(cfg.secret, timestamp, body);
  }
  return headers;
}

/** Posts every kind of notification as JSON to a URL of the operator's choosing, signed when a secret is set. */
export function createWebhookChannel(name: string, cfg: WebhookChannelConfig, deps: ChannelDeps): Channel {
  const secrets = webhookSecrets(cfg);
  return {
    name,
    type: 'webhook',
    accepts: () => true,
    send: guarded(secrets, (msg) => {
      const body = JSON.stringify(webhookBody(msg));
      return postJson(deps, {
        url: cfg.url,
        body,
        headers: headersFor(msg, body, cfg, deps),
        timeoutSeconds: cfg.timeout_seconds,
        secrets,
      });
    }),
  };
}

/** The URL (it may carry a token), the signing secret and the configured header values (typically credentials). */
export function webhookSecrets(cfg: WebhookChannelConfig): string[] {
  return [cfg.url, ...(cfg.secret === undefined ? [] : [cfg.secret]), ...Object.values(cfg.headers ?? {})];
}
