import { z } from 'zod';
import { IncidentTypeSchema, SeveritySchema } from '../schema/enums';
import { NOTIFICATION_KINDS } from './channel';
import { ChannelConfigSchema } from './channels';

/** Sends what matches to the named receivers; the first matching route wins unless it says `continue`. */
export const RouteSchema = z
  .object({
    match: z
      .object({
        severity: z.array(SeveritySchema).optional(),
        incident_type: z.array(IncidentTypeSchema).optional(),
        component: z.array(z.string().min(1)).optional(),
        kind: z.array(z.enum(NOTIFICATION_KINDS)).optional(),
      })
      .strict()
      .prefault({}),
    receivers: z.array(z.string().min(1)).min(1),
    continue: z.boolean().default(false),
  })
  .strict();

export type Route = z.output<typeof RouteSchema>;

/** Receivers, routes and the relay's retry policy. */
export const NotificationConfigSchema = z
  .object({
    /** Receivers by name; each has a `type` (log, slack, pagerduty, email, webhook). */
    channels: z.record(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'receiver names are letters, digits, _ . -'), ChannelConfigSchema).default({}),
    /** When empty (or nothing matches), the severity guide routes by channel type. */
    routes: z.array(RouteSchema).default([]),
    retry: z
      .object({
        initial_seconds: z.number().positive().max(3600).default(1),
        max_seconds: z.number().positive().max(24 * 3600).default(300),
        /** After this many failed attempts a notification is given up as failed. */
        max_attempts: z.number().int().min(1).max(1000).default(25),
      })
      .strict()
      .prefault({}),
    /** How often the relay looks for due notifications (it is also woken by every commit). */
    relay_interval_ms: z.number().int().min(10).max(60_000).default(500),
    /**
     * How long a replica's claim on a notification holds: renewed before each attempt, so it must
     * outlast every receiver's timeout; a notification claimed by a replica that died is sent by
     * another once its claim ran out. Default: 30 s, or 10 s more than the longest receiver timeout.
     */
    claim_seconds: z.number().positive().max(3600).optional(),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    for (const [name, channel] of Object.entries(cfg.channels)) {
      const timeout = 'timeout_seconds' in channel ? channel.timeout_seconds : undefined;
      if (timeout !== undefined && cfg.claim_seconds !== undefined && timeout >= cfg.claim_seconds) {
        ctx.addIssue({
          code: 'custom',
          path: ['claim_seconds'],
          message: `must be longer than receiver "${name}"'s timeout_seconds (${timeout}), or another replica could send a notification still in flight`,
        });
      }
    }
    cfg.routes.forEach((r, i) =>
      r.receivers.forEach((name, j) => {
        if (!(name in cfg.channels) && name !== 'log') {
          ctx.addIssue({ code: 'custom', path: ['routes', i, 'receivers', j], message: `undefined receiver "${name}"; define it under notification.channels` });
        }
      })
    );
  })
  .transform((cfg) => ({ ...cfg, claim_seconds: cfg.claim_seconds ?? defaultClaimSeconds(cfg.channels) }));

function defaultClaimSeconds(channels: Record<string, object>): number {
  const timeouts = Object.values(channels).map((c) => ('timeout_seconds' in c && typeof c.timeout_seconds === 'number' ? c.timeout_seconds : 0));
  return Math.max(30, ...timeouts.map((t) => t + 10));
}

export type NotificationConfig = z.output<typeof NotificationConfigSchema>;
