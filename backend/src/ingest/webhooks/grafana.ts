import { z } from 'zod';
import { alertsArray, AlertStatusSchema, BaseAlertShape, parseBody, StringMapSchema } from './common-schema';
import { mapAlert, type GrafanaAlertExtras, type WebhookEvent } from './map-alert';

/** One alert in a Grafana Alerting webhook: Alertmanager's fields plus Grafana's links and values. */
export const GrafanaAlertSchema = z.looseObject({
  ...BaseAlertShape,
  silenceURL: z.string().optional(),
  dashboardURL: z.string().optional(),
  panelURL: z.string().optional(),
  // Grafana encodes a NaN query result as null.
  values: z.record(z.string(), z.number().nullable()).nullish(),
  valueString: z.string().optional(),
});

/**
 * Grafana Alerting's webhook contact point payload, version 1. Unknown fields are
 * allowed; the version is pinned so the legacy (pre-unified-alerting) shape, which
 * has no alerts array, is rejected with a clear error rather than misread.
 */
export const GrafanaWebhookSchema = z
  .looseObject({
    receiver: z.string(),
    status: AlertStatusSchema,
    orgId: z.number().int().optional(),
    alerts: alertsArray(GrafanaAlertSchema),
    groupLabels: StringMapSchema.default({}),
    commonLabels: StringMapSchema.default({}),
    commonAnnotations: StringMapSchema.default({}),
    externalURL: z.string().optional(),
    version: z.literal('1'),
    groupKey: z.string(),
    truncatedAlerts: z.number().int().nonnegative().optional(),
    title: z.string().optional(),
    state: z.string().optional(),
    message: z.string().optional(),
  })
  .meta({ id: 'GrafanaWebhook' });

/** A validated Grafana payload. */
export type GrafanaWebhook = z.output<typeof GrafanaWebhookSchema>;

type GrafanaAlert = GrafanaWebhook['alerts'][number];

function extrasOf(payload: GrafanaWebhook, alert: GrafanaAlert): GrafanaAlertExtras {
  // Only keys that are present, so consumers can rely on `in` / undefined checks.
  const extras: GrafanaAlertExtras = {};
  if (payload.orgId !== undefined) extras.org_id = payload.orgId;
  if (alert.dashboardURL) extras.dashboard_url = alert.dashboardURL;
  if (alert.panelURL) extras.panel_url = alert.panelURL;
  if (alert.values) extras.values = alert.values;
  return extras;
}

/** Maps each alert of a validated Grafana payload to one event, in payload order. */
export function mapGrafana(payload: GrafanaWebhook): WebhookEvent[] {
  return payload.alerts.map((alert) =>
    mapAlert(alert, {
      origin: 'grafana',
      groupKey: payload.groupKey,
      receiver: payload.receiver,
      externalURL: payload.externalURL || null,
      fallbackMessage: payload.title,
      extras: extrasOf(payload, alert),
    })
  );
}

/**
 * Validates a request body as a Grafana webhook and maps it to events.
 * @throws ValidationError (400) naming each bad field, e.g. `body.alerts[0].status`.
 */
export function parseGrafanaWebhook(body: unknown): WebhookEvent[] {
  return mapGrafana(parseBody(GrafanaWebhookSchema, body));
}
