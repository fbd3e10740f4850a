import { ConfigError } from '../config/load';
import type { Config } from '../config/schema';
import type { Clock } from '../util/clock';
import { GrafanaSignatureVerifier, type SeenSignatures } from './webhook-signature';

/** The smallest Grafana webhook secret accepted. */
const MIN_SECRET = 16;

/** The Grafana webhook's signature check, when `security.webhooks.grafana` names its secret. */
export function grafanaWebhookVerifier(config: Config, env: NodeJS.ProcessEnv, clock: Clock, seen: SeenSignatures): GrafanaSignatureVerifier | undefined {
  const cfg = config.security.webhooks.grafana;
  if (!cfg) {
    return undefined;
  }
  const secret = env[cfg.hmac_secret_env];
  if (!secret || secret.length < MIN_SECRET) {
    throw new ConfigError(
      `security.webhooks.grafana: the environment variable ${cfg.hmac_secret_env} must hold the contact point's HMAC secret (at least ${MIN_SECRET} characters)`
    );
  }
  return new GrafanaSignatureVerifier(cfg, secret, clock, seen);
}

/** Whether an address to listen on is reachable from this machine only. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === '::ffff:127.0.0.1';
}

/**
 * Without keys anyone who reaches the backend may resolve incidents and run actions: that is only
 * allowed on loopback.
 */
export function assertListenable(host: string, keysEnforced: boolean): void {
  if (!keysEnforced && !isLoopbackHost(host)) {
    throw new ConfigError(
      `refusing to listen on ${host} without API keys: anyone who reaches it could resolve incidents and run actions. ` +
        'Name keys in security.auth.keys (their secrets in environment variables), or create one with ' +
        '`mahavishnu incidents keys create --name NAME --role admin` against the backend on 127.0.0.1, then restart.'
    );
  }
}
