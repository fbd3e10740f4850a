import { z } from 'zod';

/** A follow-up item of a post-mortem: generated from the incident, then edited by people. */
export const FollowUpSchema = z
  .object({
    text: z.string().min(1).max(1024),
    owner: z.string().max(256).nullable().default(null),
    priority: z.enum(['high', 'medium', 'low']).default('medium'),
    done: z.boolean().default(false),
  })
  .meta({ id: 'FollowUp' });

export type FollowUp = z.output<typeof FollowUpSchema>;

/** What people add to a generated post-mortem; everything else comes from the data. */
export const PostmortemEditsSchema = z.object({
  summary: z.string().max(8192).nullable().default(null),
  users_impacted: z.string().max(256).nullable().default(null),
  follow_ups: z.array(FollowUpSchema).nullable().default(null),
  went_well: z.array(z.string().max(1024)).default([]),
  to_improve: z.array(z.string().max(1024)).default([]),
  notes: z.array(z.object({ at: z.string(), author: z.string().nullable(), text: z.string() })).default([]),
});

export type PostmortemEdits = z.output<typeof PostmortemEditsSchema>;

/** `PATCH /api/v1/incidents/{id}/postmortem`: replace the summary, follow-ups or lessons; append notes. */
export const PostmortemPatchSchema = z
  .object({
    summary: z.string().min(1).max(8192).nullable(),
    users_impacted: z.string().min(1).max(256).nullable(),
    follow_ups: z.array(FollowUpSchema).max(100),
    went_well: z.array(z.string().min(1).max(1024)).max(50),
    to_improve: z.array(z.string().min(1).max(1024)).max(50),
    notes: z.union([z.string().min(1).max(8192), z.array(z.string().min(1).max(8192)).max(50)]),
    actor: z.string().min(1).max(256),
  })
  .partial()
  .strict()
  .meta({ id: 'PostmortemPatch' });

export type PostmortemPatch = z.output<typeof PostmortemPatchSchema>;

/** The post-mortem as JSON (`?format=json`): every section of the template, plus the markdown. */
export const PostmortemSchema = z
  .object({
    incident_id: z.string(),
    status: z.enum(['draft', 'generated', 'final']),
    generated_at: z.string().nullable(),
    refreshed_at: z.string().nullable(),
    summary: z.string(),
    impact: z.object({
      affected_components: z.array(z.string()),
      event_count: z.number().int(),
      duration_seconds: z.number().nullable(),
      users_impacted: z.string().nullable(),
    }),
    timeline: z.array(z.object({ at: z.string(), event: z.string(), source: z.string() })),
    root_cause: z.string(),
    resolution: z.array(z.string()),
    actions: z.array(z.object({ action_id: z.string(), status: z.string(), result: z.string(), at: z.string().nullable(), owner: z.string().nullable() })),
    follow_ups: z.array(FollowUpSchema),
    metrics: z.object({
      mttd: z.number().nullable(),
      mttr: z.number().nullable(),
      total_events: z.number().int(),
      peak_error_rate: z.number().nullable(),
    }),
    communications: z.array(z.object({ at: z.string(), channel: z.string(), message: z.string(), recipients: z.string() })),
    markdown: z.string(),
  })
  .meta({ id: 'Postmortem' });

export type Postmortem = z.infer<typeof PostmortemSchema>;
