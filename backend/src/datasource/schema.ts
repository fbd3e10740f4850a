import { z } from 'zod';
import { INCIDENT_STATUSES, IncidentTypeSchema, SeveritySchema } from '../schema/enums';
import { MAX_DATE_MS } from '../util/time';

/**
 * The wire types of `POST /api/v1/query`, the Grafana datasource's one endpoint: one source for
 * request validation, the OpenAPI document and the TypeScript types.
 */

/** Grafana's query editors leave unset fields as `''` (or null): both mean "not set". */
function unset(v: unknown): unknown {
  return v === '' || v === null ? undefined : v;
}

function opt<T extends z.ZodType>(schema: T) {
  return z.preprocess(unset, schema.optional()).optional();
}

function limit(byDefault: number) {
  return z.preprocess(unset, z.coerce.number().int().min(1).max(10000).default(byDefault));
}

const DIGITS = /^\d+$/;

/** A time as Grafana sends it: epoch milliseconds (number or string of digits) or ISO 8601; read as epoch ms. */
export const TimeInputSchema = z
  .union([z.number().int().nonnegative(), z.string().regex(DIGITS), z.iso.datetime({ offset: true }), z.iso.date()])
  .transform((v) => (typeof v === 'number' ? v : DIGITS.test(v) ? Number(v) : Date.parse(v)))
  .refine((ms) => Number.isFinite(ms) && ms <= MAX_DATE_MS, { message: 'a time after the year 275760 cannot be a date' })
  .meta({ id: 'DsTime' });

/** The dashboard's time range; Grafana's `raw` (`now-6h`) and other keys are ignored. */
export const TimeRangeSchema = z
  .object({ from: TimeInputSchema, to: TimeInputSchema })
  .refine((r) => r.from <= r.to, { message: 'from must not be after to', path: ['to'] })
  .meta({ id: 'DsTimeRange' });

/** Grafana adds `datasource`, `hide`, `key`, ... to each query: unknown keys are dropped, not refused. */
const base = { refId: z.string().min(1).max(64) };
const filters = { severity: opt(SeveritySchema), type: opt(IncidentTypeSchema), component: opt(z.string().min(1).max(256)) };

const IncidentsQuery = z.object({
  ...base,
  queryType: z.literal('incidents'),
  status: opt(z.preprocess((v) => (typeof v === 'string' ? v.toLowerCase() : v), z.enum([...INCIDENT_STATUSES, 'active']))),
  ...filters,
  limit: limit(100),
});

const StatsQuery = z.object({ ...base, queryType: z.literal('stats') });

const TimeseriesQuery = z.object({
  ...base,
  queryType: z.literal('timeseries'),
  /** Bucket width; by default the range / 50, rounded to a minute, at least a minute. */
  intervalMs: opt(z.coerce.number().int().min(1000)),
  metric: opt(z.enum(['count', 'mttd', 'mttr'])),
  type: filters.type,
  component: filters.component,
});

const EventsQuery = z.object({
  ...base,
  queryType: z.literal('events'),
  source: opt(z.string().min(1).max(256)),
  event_type: opt(z.string().min(1).max(256)),
  limit: limit(100),
});

const TimelineQuery = z.object({
  ...base,
  queryType: z.literal('timeline'),
  incident_id: z.preprocess(unset, z.string({ error: 'a timeline query needs incident_id' }).min(1).max(256)),
  limit: limit(1000),
});

const RulesQuery = z.object({ ...base, queryType: z.literal('rules') });
const ComponentsQuery = z.object({ ...base, queryType: z.literal('components') });
const AnnotationsQuery = z.object({ ...base, queryType: z.literal('annotations'), ...filters });

const VariablesQuery = z.object({
  ...base,
  queryType: z.literal('variables'),
  variable: z.enum(['components', 'rules', 'severities']),
});

/** One query of a request; `queryType` says which frames it answers. */
export const DsQuerySchema = z
  .discriminatedUnion('queryType', [
    IncidentsQuery,
    StatsQuery,
    TimeseriesQuery,
    EventsQuery,
    TimelineQuery,
    RulesQuery,
    ComponentsQuery,
    AnnotationsQuery,
    VariablesQuery,
  ])
  .meta({ id: 'DsQuery' });

/** The body of `POST /api/v1/query`: a time range and queries with distinct refIds. */
export const DsQueryRequestSchema = z
  .object({ range: TimeRangeSchema, queries: z.array(DsQuerySchema).min(1).max(100) })
  .superRefine((r, ctx) => {
    const seen = new Set<string>();
    r.queries.forEach((q, i) => {
      if (seen.has(q.refId)) {
        ctx.addIssue({ code: 'custom', path: ['queries', i, 'refId'], message: `refId ${q.refId} is used by an earlier query` });
      }
      seen.add(q.refId);
    });
  })
  .meta({ id: 'DsQueryRequest' });

export const FIELD_TYPES = ['time', 'number', 'string', 'boolean', 'other'] as const;

/** One field (column) of a frame, as `@grafana/data`'s `dataFrameFromJSON` reads it. */
export const DsFieldSchema = z
  .object({ name: z.string(), type: z.enum(FIELD_TYPES), config: z.record(z.string(), z.unknown()).optional() })
  .meta({ id: 'DsField' });

/** Grafana's `DataFrameJSON`: the schema, then the values column by column. */
export const DsFrameSchema = z
  .object({
    schema: z.object({
      refId: z.string(),
      name: z.string(),
      meta: z.record(z.string(), z.unknown()).optional(),
      fields: z.array(DsFieldSchema),
    }),
    data: z.object({ values: z.array(z.array(z.unknown())) }),
  })
  .meta({ id: 'DsFrame' });

/** One refId's answer: its frames, or an error and status as Grafana's backend data responses carry. */
export const DsResultSchema = z
  .object({ frames: z.array(DsFrameSchema), error: z.string().optional(), status: z.number().int().optional() })
  .meta({ id: 'DsResult' });

export const DsQueryResponseSchema = z
  .object({ results: z.record(z.string(), DsResultSchema) })
  .meta({ id: 'DsQueryResponse' });

export type DsQuery = z.output<typeof DsQuerySchema>;
export type DsQueryOf<T extends DsQuery['queryType']> = Extract<DsQuery, { queryType: T }>;
export type DsQueryRequest = z.output<typeof DsQueryRequestSchema>;
export type TimeRange = z.output<typeof TimeRangeSchema>;
export type FieldType = (typeof FIELD_TYPES)[number];
export type DsFrame = z.output<typeof DsFrameSchema>;
export type DsResult = z.output<typeof DsResultSchema>;
export type DsQueryResponse = z.output<typeof DsQueryResponseSchema>;
