import type { Config } from '../config/schema';
import { channelSecrets } from '../notification/channels';

/** Keys whose values are secrets wherever they appear in the configuration. */
const SECRET_KEYS = /^(password|pass|secret|token|api_key|routing_key|webhook_url|authorization|sha256)$/i;

/** What a secret shows as: that it is set, never what it is. */
export const SET = '(set)';

/**
 * The configuration with every secret replaced by "(set)": the channels' own secrets (Slack URLs,
 * routing keys, SMTP passwords, signing secrets), any value under a secret-sounding key, and any
 * string that contains one of those secrets (an action URL with a token in it); a URL's password
 * (`store.url`'s `user:pass@`) shows as `(set)` in place, the rest of the URL as it is.
 */
export function redactedConfig(config: Config): Record<string, unknown> {
  const secrets = Object.values(config.notification.channels).flatMap((c) => channelSecrets(c));
  const walk = (value: unknown, key: string): unknown => {
    if (typeof value === 'string') {
      if (value && (SECRET_KEYS.test(key) || secrets.some((s) => s && value.includes(s)))) {
        return SET;
      }
      return value.includes('://') ? redactUrlPassword(value) : value;
    }
    if (Array.isArray(value)) {
      return value.map((v) => walk(v, key));
    }
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
    }
    return value;
  };
  return walk(config, '') as Record<string, unknown>;
}

/**
 * A URL as it may be shown: a password, in `user:pass@` (up to the last `@` before the path, in
 * case it was not percent-encoded) or in a `password=` parameter, as `(set)`.
 */
export function redactUrlPassword(url: string): string {
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):([^/]+)@/i, (_m, head: string) => `${head}:(set)@`)
    .replace(/([?&]password=)[^&#]+/gi, (_m, key: string) => `${key}(set)`);
}
