import { z } from 'zod';
import { safeParseInput } from '../../schema/safe-parse';
import { ValidationError } from '../../util/errors';

/**
 * Most alerts one webhook payload may carry. Alertmanager and Grafana batch per
 * group, so a bigger payload is a misconfigured sender or an attempt to flood the
 * engine, not a real incident.
 */
export const MAX_ALERTS_PER_PAYLOAD = 1000;

/**
 * Longest fingerprint accepted. Real ones are 16 hex chars; the bound keeps the
 * event_id built from it within the event schema's 256-char limit.
 */
const MAX_FINGERPRINT = 128;

/** Prometheus-style labels or annotations: names to string values. */
export const StringMapSchema = z.record(z.string(), z.string());

/**
 * An RFC 3339 time as Go's encoder writes it (any offset, up to nanoseconds): at most 35
 * characters, so that the event_id built from it stays within the event schema's 256.
 */
export const AlertTimeSchema = z.iso.datetime({ offset: true }).max(35);

/** Firing or resolved: the only two states either sender reports. */
export const AlertStatusSchema = z.enum(['firing', 'resolved']);

/**
 * The fields every alert in both payloads shares. Only what the mapping cannot do
 * without is required; the rest is optional so older senders still get through.
 */
export const BaseAlertShape = {
  status: AlertStatusSchema,
  labels: StringMapSchema,
  annotations: StringMapSchema.default({}),
  startsAt: AlertTimeSchema,
  endsAt: AlertTimeSchema.optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().min(1).max(MAX_FINGERPRINT).optional(),
};

/** The alerts array, bounded so one request cannot enqueue unbounded work. */
export function alertsArray<T extends z.ZodType>(alert: T) {
  return z.array(alert).max(MAX_ALERTS_PER_PAYLOAD, {
    message: `Too many alerts: at most ${MAX_ALERTS_PER_PAYLOAD} per payload`,
  });
}

/**
 * Validates a request body, turning a zod failure into a 400 that names each bad
 * field under `body` (e.g. `body.alerts[0].status`).
 */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const result = safeParseInput(schema, body);
  if (!result.success) {
    throw ValidationError.fromZod(result.error, 'body');
  }
  return result.data;
}
