import { z } from 'zod';
import { allowlistEntryProblem } from './addresses';

/**
 * Where the backend may connect to: every URL it calls (channels, http actions, "test" buttons) is
 * checked at connect time; loopback, link-local, private and unspecified addresses are refused unless
 * the operator names them here.
 */
export const OutboundConfigSchema = z
  .object({
    /**
     * Hosts, IP addresses or CIDR ranges the backend may call although they are private or local. A
     * host name admits that name whatever it resolves to; an address or range admits those addresses
     * under any name. Empty by default: nothing internal is reachable until an operator names it.
     */
    allowlist: z
      .array(
        z
          .string()
          .min(1)
          .max(256)
          .superRefine((entry, ctx) => {
            const problem = allowlistEntryProblem(entry);
            if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
          })
      )
      .max(1000)
      .default([]),
  })
  .strict();

/** What a key may do; `source` only sends events, the others are ordered viewer < responder < lead < admin. */
export const ROLES = ['source', 'viewer', 'responder', 'lead', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const ENV_NAME = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');

/**
 * A key named in the configuration (for provisioning: Grafana's keys, Alertmanager's): its secret is
 * read from an environment variable at start, or given as its SHA-256 so the file holds no secret.
 */
export const ConfiguredKeySchema = z
  .object({
    name: z.string().min(1).max(64),
    role: z.enum(ROLES),
    key_env: ENV_NAME.optional(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lowercase hex digits').optional(),
    /** A key Grafana's proxy routes send: only such a key may name the person in `X-Grafana-User`. */
    grafana_proxy: z.boolean().default(false),
  })
  .strict()
  .refine((k) => Boolean(k.key_env) !== Boolean(k.sha256), { message: 'give exactly one of key_env and sha256' });
export type ConfiguredKey = z.output<typeof ConfiguredKeySchema>;

export const AuthConfigSchema = z
  .object({
    /** Keys besides those created with `mahavishnu incidents keys create`. */
    keys: z.array(ConfiguredKeySchema).max(100).default([]),
  })
  .strict();

/**
 * Grafana Alerting's webhook contact point signs its body with HMAC-SHA256 when it has a secret
 * (`X-Grafana-Alerting-Signature`, hex), over `timestamp:body` when a timestamp header is set.
 */
export const GrafanaWebhookAuthSchema = z
  .object({
    /** The environment variable holding the contact point's HMAC secret. */
    hmac_secret_env: ENV_NAME,
    signature_header: z.string().min(1).default('X-Grafana-Alerting-Signature'),
    /** The contact point's timestamp header; when set, stale timestamps and replays are refused. */
    timestamp_header: z.string().min(1).nullable().default(null),
    /** How far a timestamp may be from now, in seconds. */
    tolerance_seconds: z.number().int().min(1).max(3600).default(300),
  })
  .strict();

export type GrafanaWebhookAuth = z.output<typeof GrafanaWebhookAuthSchema>;

export const WebhooksConfigSchema = z
  .object({
    grafana: GrafanaWebhookAuthSchema.nullable().default(null),
  })
  .strict();

/**
 * How many events one source, one key, and one address without a key may send; past any of them,
 * that sender's requests get 429 while the others go on. A source is what the event says, so the
 * key's and the address's limits hold however many source names one sender uses.
 */
export const RateLimitConfigSchema = z
  .object({
    events_per_second_per_source: z.number().min(1).max(10_000_000).default(5000),
    burst_per_source: z.number().int().min(1).max(10_000_000).default(20_000),
    events_per_second_per_key: z.number().min(1).max(10_000_000).default(20_000),
    burst_per_key: z.number().int().min(1).max(10_000_000).default(100_000),
    /** Callers without a key: everyone when no key is configured, and Grafana's signed webhook. */
    events_per_second_per_address: z.number().min(1).max(10_000_000).default(20_000),
    burst_per_address: z.number().int().min(1).max(10_000_000).default(100_000),
  })
  .strict();
export type RateLimitConfig = z.output<typeof RateLimitConfigSchema>;

/**
 * How much the audit log may hold: entries older than `retention_seconds` go, and beyond
 * `max_entries` the oldest go. Each entry's texts are capped, so the count bounds the size.
 */
export const AuditConfigSchema = z
  .object({
    retention_seconds: z.number().int().min(3600).max(10 * 365 * 86_400).default(30 * 86_400),
    max_entries: z.number().int().min(10).max(1_000_000_000).default(1_000_000),
    /** Refusals of callers without a valid key, from one address, for one route and reason, within this long are one entry with a count. */
    refusal_window_seconds: z.number().int().min(1).max(86_400).default(60),
  })
  .strict();
export type AuditConfig = z.output<typeof AuditConfigSchema>;

/** Authentication, webhook authenticity, outbound safety and input limits. */
export const SecurityConfigSchema = z
  .object({
    auth: AuthConfigSchema.prefault({}),
    webhooks: WebhooksConfigSchema.prefault({}),
    rate_limit: RateLimitConfigSchema.prefault({}),
    audit: AuditConfigSchema.prefault({}),
    outbound: OutboundConfigSchema.prefault({}),
  })
  .strict();

export type SecurityConfig = z.output<typeof SecurityConfigSchema>;
