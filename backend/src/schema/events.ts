import { z } from 'zod';
import { MAX_DATE_MS } from '../util/time';
import { EventSeveritySchema } from './enums';
import { EVENT_SEVERITIES, type EventSeverity } from './vocabulary';

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

const MetadataSchema = z
  .record(z.string(), z.unknown())
  .refine((m) => !depthOver(m, MAX_METADATA_DEPTH), `nested deeper than ${MAX_METADATA_DEPTH} levels`)
  .default({});

/** One event as a client sends it to `POST /api/v1/events`. */
export const IncidentEventInputSchema = z
  .object({
    event_id: idText().optional(),
    timestamp: TimeInputSchema.optional(),
    event_type: idText(),
    source: idText(),
    severity: EventSeveritySchema.default('medium'),
    message: z.string().max(MAX_TEXT),
    metadata: MetadataSchema,
    correlation_id: idText().nullish(),
  })
  .meta({ id: 'IncidentEventInput' });

export type IncidentEventInput = z.input<typeof IncidentEventInputSchema>;
export type ParsedEventInput = z.output<typeof IncidentEventInputSchema>;

/** What idText() accepts, checked directly. */
function isIdText(v: unknown): v is string {
  return typeof v === 'string' && v.length >= 1 && v.length <= MAX_ID && !LONE_SURROGATE.test(v) && !v.includes('\u0000');
}

const LOWER_SEVERITIES: ReadonlySet<string> = new Set(EVENT_SEVERITIES);

/** The last timestamp text that passed: a batch's events mostly carry the same one. */
let lastTimeText: string | undefined;

function isTimeText(text: string): boolean {
  if (text === lastTimeText) {
    return true;
  }
  if (!TimeInputSchema.safeParse(text).success) {
    return false;
  }
  lastTimeText = text;
  return true;
}

/**
 * The common case of {@link IncidentEventInputSchema}, checked without zod: the parsed event when
 * `input` is an object whose fields are all plainly valid, `undefined` for anything else (invalid,
 * or merely unusual), which the caller then hands to the schema, so that every error and every
 * unusual value is still zod's to judge and report. What it returns is what the schema returns for
 * the same input; metadata, when sent, is parsed by the schema's own field schema.
 */
export function parseEventInputFast(input: unknown): ParsedEventInput | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return undefined;
  }
  const o = input as Record<string, unknown>;
  const { event_id, timestamp, event_type, source, severity, message, metadata, correlation_id } = o;
  if (
    !isIdText(event_type) ||
    !isIdText(source) ||
    typeof message !== 'string' ||
    message.length > MAX_TEXT ||
    (event_id !== undefined && !isIdText(event_id)) ||
    (correlation_id !== undefined && correlation_id !== null && !isIdText(correlation_id))
  ) {
    return undefined;
  }
  if (timestamp !== undefined) {
    if (typeof timestamp === 'number') {
      if (!Number.isSafeInteger(timestamp) || timestamp < 0 || timestamp > MAX_DATE_MS) {
        return undefined;
      }
    } else if (typeof timestamp !== 'string' || !isTimeText(timestamp)) {
      return undefined;
    }
  }
  let sev: EventSeverity = 'medium';
  if (severity !== undefined) {
    const lower = typeof severity === 'string' ? severity.toLowerCase() : undefined;
    if (lower === undefined || !LOWER_SEVERITIES.has(lower)) {
      return undefined;
    }
    sev = lower as EventSeverity;
  }
  // As `.default({})`: a fresh object for each event sent without metadata.
  let meta: Record<string, unknown> = {};
  if (metadata !== undefined) {
    let r: ReturnType<typeof MetadataSchema.safeParse>;
    try {
      r = MetadataSchema.safeParse(metadata);
    } catch {
      return undefined; // the full parse deals with what zod cannot convert
    }
    if (!r.success) {
      return undefined;
    }
    meta = r.data;
  }
  const out: ParsedEventInput = { event_type, source, severity: sev, message, metadata: meta };
  if (event_id !== undefined) {
    out.event_id = event_id;
  }
  if (timestamp !== undefined) {
    out.timestamp = timestamp as string | number;
  }
  if (correlation_id !== undefined) {
    out.correlation_id = correlation_id as string | null;
  }
  return out;
}

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
