/** Alertmanager and Grafana webhooks: payload schemas, and their mapping to events. */
export {
  AlertmanagerWebhookSchema,
  mapAlertmanager,
  parseAlertmanagerWebhook,
  type AlertmanagerWebhook,
} from './alertmanager';
export { GrafanaWebhookSchema, mapGrafana, parseGrafanaWebhook, type GrafanaWebhook } from './grafana';
export { MAX_ALERTS_PER_PAYLOAD } from './common-schema';
export {
  mapAlert,
  type AlertContext,
  type AlertInput,
  type AlertStatus,
  type GrafanaAlertExtras,
  type WebhookEvent,
  type WebhookEventMetadata,
  type WebhookOrigin,
} from './map-alert';
