import { z } from 'zod';
import { EventSeveritySchema } from './enums';

const MAX_ID = 256;
const MAX_TEXT = 8192;

/** A time on input: an ISO 8601 string (any offset) or epoch milliseconds. */
export const TimeInputSchema = z.union([
  z.iso.datetime({ offset: true, local: false }),
  z.iso.date(),
  z.number().int().nonnegative(),
]);

/** One event as a client sends it to `POST /api/v1/events`. */
export const IncidentEventInputSchema = z
  .object({
    event_id: z.string().min(1).max(MAX_ID).optional(),
    timestamp: TimeInputSchema.optional(),
    event_type: z.string().min(1).max(MAX_ID),
    source: z.string().min(1).max(MAX_ID),
    severity: EventSeveritySchema.default('medium'),
    message: z.string().max(MAX_TEXT),
    metadata: z.record(z.string(), z.unknown()).default({}),
    correlation_id: z.string().min(1).max(MAX_ID).nullish(),
  })
  .meta({ id: 'IncidentEventInput' });

export type IncidentEventInput = z.input<typeof IncidentEventInputSchema>;
export type ParsedEventInput = z.output<typeof IncidentEventInputSchema>;

/** An event as the API returns it: what was stored, with the times it was counted at. */
export const IncidentEventSchema = z
  .object({
    seq: z.number().int(),
    event_id: z.string(),
    timestamp: z.string(),
    received_at: z.string(),
    event_type: z.string(),
    source: z.string(),
    severity: z.enum(['info', 'low', 'medium', 'high', 'critical']),
    message: z.string(),
    metadata: z.record(z.string(), z.unknown()),
    correlation_id: z.string().nullable(),
  })
  .meta({ id: 'IncidentEvent' });

export type IncidentEventDto = z.infer<typeof IncidentEventSchema>;

export const IngestResultSchema = z
  .object({ accepted: z.number().int(), duplicates: z.number().int() })
  .meta({ id: 'IngestResult' });

export type IngestResult = z.infer<typeof IngestResultSchema>;

export const EventListQuerySchema = z.object({
  since: z.string().optional(),
  source: z.string().optional(),
  event_type: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(10000).default(100),
});
