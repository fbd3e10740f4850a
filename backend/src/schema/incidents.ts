import { z } from 'zod';
import { IncidentStatusSchema, IncidentTypeSchema, SeveritySchema, INCIDENT_STATUSES, INCIDENT_TYPES, SEVERITIES } from './enums';

/** What the correlator concluded about an incident's cause. */
export const RootCauseSchema = z
  .object({
    primary_error_type: z.string().nullable(),
    primary_source: z.string().nullable(),
    error_distribution: z.record(z.string(), z.number()),
    source_distribution: z.record(z.string(), z.number()),
    evidence: z
      .object({ event_id: z.string(), timestamp: z.string(), source: z.string(), message: z.string() })
      .nullable(),
  })
  .meta({ id: 'RootCause' });

export type RootCause = z.infer<typeof RootCauseSchema>;

export const NoteSchema = z
  .object({ at: z.string(), author: z.string().nullable(), text: z.string() })
  .meta({ id: 'Note' });

export type Note = z.infer<typeof NoteSchema>;

/** An incident as the API returns it. */
export const IncidentSchema = z
  .object({
    incident_id: z.string(),
    incident_type: z.enum(INCIDENT_TYPES),
    severity: z.enum(SEVERITIES),
    status: z.enum(INCIDENT_STATUSES),
    title: z.string(),
    description: z.string(),
    rule_id: z.string().nullable(),
    group_key: z.string().nullable(),
    detected_at: z.string(),
    started_at: z.string(),
    acknowledged_at: z.string().nullable(),
    acknowledged_by: z.string().nullable(),
    resolved_at: z.string().nullable(),
    resolved_by: z.string().nullable(),
    closed_at: z.string().nullable(),
    closed_by: z.string().nullable(),
    affected_components: z.array(z.string()),
    event_count: z.number().int(),
    assigned_to: z.string().nullable(),
    mttd: z.number().nullable(),
    mttr: z.number().nullable(),
    root_cause: RootCauseSchema.nullable(),
    notes: z.array(NoteSchema),
    last_event_at: z.string().nullable(),
    updated_at: z.string(),
  })
  .meta({ id: 'Incident' });

export type Incident = z.infer<typeof IncidentSchema>;

/**
 * The incident's times: ISO 8601 strings on the wire, epoch milliseconds where the backend holds
 * them (domain/records.ts derives its incident record from this schema with these).
 */
export const INCIDENT_TIMES = ['detected_at', 'started_at', 'acknowledged_at', 'resolved_at', 'closed_at', 'last_event_at', 'updated_at'] as const;

/** Figures the wire computes from the times (seconds): not held, derived when an incident is read. */
export const INCIDENT_FIGURES = ['mttd', 'mttr'] as const;

export const TimelineEntrySchema = z
  .object({
    at: z.string(),
    kind: z.enum(['event', 'lifecycle']),
    event_type: z.string(),
    source: z.string(),
    message: z.string(),
    actor: z.string().nullable(),
    severity: z.string().nullable(),
    event_id: z.string().nullable(),
    data: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: 'TimelineEntry' });

export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;

const ACTOR = z.string().min(1).max(256);

export const IncidentCreateSchema = z
  .object({
    incident_type: IncidentTypeSchema,
    severity: SeveritySchema,
    title: z.string().min(1).max(512),
    description: z.string().max(8192).default(''),
    components: z.array(z.string().min(1).max(256)).max(100).default([]),
    created_by: ACTOR.optional(),
  })
  .strict()
  .meta({ id: 'IncidentCreate' });

export const IncidentPatchSchema = z
  .object({
    status: IncidentStatusSchema,
    severity: SeveritySchema,
    assigned_to: ACTOR.nullable(),
    notes: z.union([z.string().min(1).max(8192), z.array(z.string().min(1).max(8192)).max(50)]),
    actor: ACTOR,
  })
  .partial()
  .strict()
  .meta({ id: 'IncidentPatch' });

export const AcknowledgeSchema = z.object({ by: ACTOR.optional(), actor: ACTOR.optional() }).strict();
export const AssignSchema = z.object({ assignee: ACTOR.nullable(), actor: ACTOR.optional() }).strict();
export const ResolveSchema = z
  .object({ notes: z.string().max(8192).optional(), by: ACTOR.optional(), actor: ACTOR.optional() })
  .strict();
export const CloseSchema = z
  .object({ notes: z.string().max(8192).optional(), by: ACTOR.optional(), actor: ACTOR.optional() })
  .strict();

export type IncidentCreate = z.output<typeof IncidentCreateSchema>;
export type IncidentPatch = z.output<typeof IncidentPatchSchema>;

export const IncidentListQuerySchema = z.object({
  status: z
    .preprocess((v) => (typeof v === 'string' ? v.toLowerCase() : v), z.enum([...INCIDENT_STATUSES, 'active']))
    .optional(),
  severity: SeveritySchema.optional(),
  type: IncidentTypeSchema.optional(),
  component: z.string().min(1).optional(),
  since: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(10000).default(100),
});

export type IncidentListQuery = z.output<typeof IncidentListQuerySchema>;

export const TimelineQuerySchema = z.object({
  event_type: z.string().optional(),
  source: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(100000).default(1000),
});

export const StatsSchema = z
  .object({
    total_incidents: z.number().int(),
    active_incidents: z.number().int(),
    resolved_incidents: z.number().int(),
    closed_incidents: z.number().int(),
    by_severity: z.record(z.string(), z.number()),
    by_type: z.record(z.string(), z.number()),
    by_status: z.record(z.string(), z.number()),
    avg_mttd: z.number().nullable(),
    avg_mttr: z.number().nullable(),
    auto_resolved: z.number().int(),
    manual_resolved: z.number().int(),
    since: z.string().nullable(),
  })
  .meta({ id: 'Stats' });

export type Stats = z.infer<typeof StatsSchema>;
