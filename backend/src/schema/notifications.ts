import { z } from 'zod';
import type { Incident } from './incidents';

/** What the notifier tells people about (the list, plus acknowledgements for PagerDuty). */
export const NOTIFICATION_KINDS = ['incident_created', 'severity_changed', 'acknowledged', 'approval_needed', 'action_failed', 'resolved'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** One message for one receiver, as the outbox holds it and a channel renders it. */
export interface NotificationMessage {
  kind: NotificationKind;
  /** The incident as the API returns it, at the moment the change was committed. */
  incident: Incident;
  /** Link to the incident in Grafana (or the standalone dashboard); null when no public URL is configured. */
  url: string | null;
  /** Shared by every message about one incident (PagerDuty's `dedup_key`): the incident id. */
  dedup_key: string;
  /** Unique per outbox row and stable across retries and restarts, so receivers can drop repeats. */
  delivery_id: string;
  /** One line saying what happened, e.g. "New incident inc_00001: Error Burst - 2026-11-26 10:30". */
  headline: string;
  /** What changed, by kind: `{from, to}` for severity, `{action, risk, ...}` for approvals and failures. */
  details: Record<string, unknown>;
  /** When the change happened (ISO 8601). */
  created_at: string;
}

/** One notification for one receiver, as delivered (or still being tried): the delivery history. */
export const DeliverySchema = z
  .object({
    delivery_id: z.string(),
    incident_id: z.string(),
    receiver: z.string(),
    channel_type: z.string(),
    kind: z.string(),
    status: z.enum(['pending', 'sent', 'failed']),
    attempts: z.number().int(),
    last_status: z.number().int().nullable(),
    last_error: z.string().nullable(),
    created_at: z.string(),
    next_attempt_at: z.string().nullable(),
    sent_at: z.string().nullable(),
    /** When the latest attempt started (counted in `attempts` before it went out, so a crash mid-send still shows it). */
    last_attempt_at: z.string().nullable(),
  })
  .meta({ id: 'Delivery' });

export type Delivery = z.infer<typeof DeliverySchema>;
