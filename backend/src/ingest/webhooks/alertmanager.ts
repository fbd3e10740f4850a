import { z } from 'zod';
import { alertsArray, AlertStatusSchema, BaseAlertShape, parseBody, StringMapSchema } from './common-schema';
import { mapAlert, type WebhookEvent } from './map-alert';

/** One alert in an Alertmanager webhook. Unknown fields pass through untouched. */
export const AlertmanagerAlertSchema = z.looseObject(BaseAlertShape);

/**
 * Alertmanager's webhook payload, version 4. Unknown fields are allowed so that a
 * newer Alertmanager adding some does not break ingestion; the version is pinned
 * because a different one may mean different semantics for the fields we read.
 */
export const AlertmanagerWebhookSchema = z
  .looseObject({
    version: z.literal('4'),
    groupKey: z.string(),
    // Added in Alertmanager 0.22; older senders omit it.
    truncatedAlerts: z.number().int().nonnegative().optional(),
    status: AlertStatusSchema,
    receiver: z.string(),
    groupLabels: StringMapSchema.default({}),
    commonLabels: StringMapSchema.default({}),
    commonAnnotations: StringMapSchema.default({}),
    externalURL: z.string().optional(),
    alerts: alertsArray(AlertmanagerAlertSchema),
  })
  .meta({ id: 'AlertmanagerWebhook' });

/** A validated Alertmanager payload. */
export type AlertmanagerWebhook = z.output<typeof AlertmanagerWebhookSchema>;

/** Maps each alert of a validated Alertmanager payload to one event, in payload order. */
export function mapAlertmanager(payload: AlertmanagerWebhook): WebhookEvent[] {
  const ctx = {
    origin: 'alertmanager' as const,
    groupKey: payload.groupKey,
    receiver: payload.receiver,
    externalURL: payload.externalURL || null,
  };
  return payload.alerts.map((alert) => mapAlert(alert, ctx));
}

/**
 * Validates a request body as an Alertmanager webhook and maps it to events.
 * @throws ValidationError (400) naming each bad field, e.g. `body.alerts[0].status`.
 */
export function parseAlertmanagerWebhook(body: unknown): WebhookEvent[] {
  return mapAlertmanager(parseBody(AlertmanagerWebhookSchema, body));
}
