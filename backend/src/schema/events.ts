import { z } from 'zod';
import { MAX_DATE_MS } from '../util/time';
import { EventSeveritySchema } from './enums';

const MAX_ID = 256;
const MAX_TEXT = 8192;
/** Deepest metadata accepted: far past real payloads, far short of what overflows the stack when stored. */
const MAX_METADATA_DEPTH = 32;

/** A time on input: an ISO 8601 string (any offset) or epoch milliseconds. */
export const TimeInputSchema = z.union([
  z.iso.datetime({ offset: true, local: false }),
  z.iso.date(),
  z.number().int().nonnegative().max(MAX_DATE_MS),
]);

/**
 * A lone surrogate (half of a UTF-16 pair) is not text: SQLite stores it as other bytes than the
 * string holds, so an id with one reads back as another id and duplicates are missed.
 */
const LONE_SURROGATE = /\p{Cs}/u;

/** An identifying or grouping string of an event: bounded, well-formed Unicode, no NUL (PostgreSQL's text cannot hold one). */
function idText() {
  return z
    .string()
    .min(1)
    .max(MAX_ID)
    .refine((v) => !LONE_SURROGATE.test(v), 'not well-formed Unicode (a lone surrogate)')
    .refine((v) => !v.includes('\u0000'), 'must not contain NUL (U+0000)');
}

/** Whether a JSON value nests deeper than `limit` levels; it looks no deeper than that (the value may nest deeper than the stack). */
function depthOver(value: unknown, limit: number): boolean {
  const visit = (v: unknown, depth: number): boolean => {
    if (v === null || typeof v !== 'object') {
      return false;
    }
    if (depth > limit) {
      return true;
    }
    return Object.values(v).some((child) => visit(child, depth + 1));
  };
  return visit(value, 1);
}

/** One event as a client sends it to `POST /api/v1/events`. */
export const IncidentEventInputSchema = z
  .object({
    event_id: idText().optional(),
    timestamp: TimeInputSchema.optional(),
    event_type: idText(),
    source: idText(),
    severity: EventSeveritySchema.default('medium'),
    message: z.string().max(MAX_TEXT),
    metadata: z
      .record(z.string(), z.unknown())
      .refine((m) => !depthOver(m, MAX_METADATA_DEPTH), `nested deeper than ${MAX_METADATA_DEPTH} levels`)
      .default({}),
    correlation_id: idText().nullish(),
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
