import { z } from 'zod';
import { RE2JS } from 're2js';
import { EventSeveritySchema, IncidentTypeSchema, SeveritySchema } from './enums';

/**
 * A matcher's regular expression, compiled as Alertmanager does (Go's RE2 syntax, anchored at both
 * ends) and matched in time linear in the value: a rule's pattern cannot stall the engine, however
 * it nests (JavaScript's backtracking RegExp takes exponential time on `(a+)+b`). Throws when invalid.
 */
export function compileMatcherRegex(pattern: string): (value: string) => boolean {
  const re = RE2JS.compile(pattern);
  return (value) => re.matches(value);
}

/** A label matcher on an event's metadata, as Alertmanager writes them: `=`, `!=`, `=~`, `!~`. */
export const MetadataMatcherSchema = z
  .object({
    key: z.string().min(1).max(256),
    op: z.enum(['=', '!=', '=~', '!~']).default('='),
    value: z.string().max(1024),
  })
  // The engine compiles `=~` and `!~` values as it loads the rules: one that does not compile must not be stored.
  .superRefine((m, ctx) => {
    if (m.op === '=~' || m.op === '!~') {
      try {
        compileMatcherRegex(m.value);
      } catch (err) {
        ctx.addIssue({ code: 'custom', path: ['value'], message: `not a valid regular expression (RE2 syntax, as Alertmanager's): ${(err as Error).message}` });
      }
    }
  })
  .meta({ id: 'MetadataMatcher' });

/** Which events a rule counts. Globs: `*` matches any run of characters. */
export const RuleMatchSchema = z
  .object({
    event_types: z.array(z.string().min(1).max(256)).min(1).max(100),
    sources: z.array(z.string().min(1).max(256)).max(100).optional(),
    min_severity: EventSeveritySchema.optional(),
    metadata: z.array(MetadataMatcherSchema).max(50).optional(),
  })
  .meta({ id: 'RuleMatch' });

/** A severity escalation: the incident rises to `to` when the CEL expression `when` holds. */
export const EscalationSchema = z
  .object({
    to: SeveritySchema,
    when: z.string().min(1).max(2048),
    description: z.string().max(512).optional(),
  })
  .meta({ id: 'Escalation' });

const GROUP_FIELD = /^(source|event_type|severity|correlation_id|metadata\.[A-Za-z0-9_.\-/]+)$/;

/** The fields of a rule that a user may set; the `DetectionRule` plus what selects events. */
const ruleFields = {
  name: z.string().min(1).max(256),
  description: z.string().max(2048).default(''),
  incident_type: IncidentTypeSchema,
  severity: SeveritySchema,
  error_threshold: z.number().int().min(1).max(1_000_000),
  time_window_seconds: z.number().int().min(1).max(7 * 24 * 3600),
  check_interval_seconds: z.number().int().min(1).max(24 * 3600).default(60),
  require_consecutive: z.boolean().default(false),
  min_components_affected: z.number().int().min(1).max(1000).default(1),
  enabled: z.boolean().default(true),
  match: RuleMatchSchema,
  group_by: z
    .array(z.string().regex(GROUP_FIELD, 'a group_by field is source, event_type, severity, correlation_id or metadata.<key>'))
    .max(10)
    .default([]),
  /** Escalations; when absent the severity matrix of the rule's incident type applies. */
  escalations: z.array(EscalationSchema).max(20).optional(),
  /** Resolve on its own after the recovery quiet period. */
  auto_resolve: z.boolean().default(true),
  /** Quiet period before recovering and again before resolving; defaults to the window. */
  quiet_period_seconds: z.number().int().min(1).max(7 * 24 * 3600).nullable().default(null),
};

const RULE_ID = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'rule_id may hold letters, digits, _ . : -');

export const DetectionRuleCreateSchema = z
  .object({ rule_id: RULE_ID, ...ruleFields })
  .strict()
  .meta({ id: 'DetectionRuleCreate' });

export const DetectionRulePatchSchema = z
  .object({
    name: ruleFields.name,
    description: z.string().max(2048),
    severity: ruleFields.severity,
    incident_type: ruleFields.incident_type,
    error_threshold: ruleFields.error_threshold,
    time_window_seconds: ruleFields.time_window_seconds,
    check_interval_seconds: z.number().int().min(1).max(24 * 3600),
    require_consecutive: z.boolean(),
    min_components_affected: z.number().int().min(1).max(1000),
    enabled: z.boolean(),
    match: RuleMatchSchema,
    group_by: ruleFields.group_by.unwrap(),
    escalations: z.array(EscalationSchema).max(20).nullable(),
    auto_resolve: z.boolean(),
    quiet_period_seconds: z.number().int().min(1).max(7 * 24 * 3600).nullable(),
  })
  .partial()
  .strict()
  .meta({ id: 'DetectionRulePatch' });

/** A rule as the API returns it. */
export const DetectionRuleSchema = z
  .object({
    rule_id: z.string(),
    ...ruleFields,
    builtin: z.boolean(),
    /** Incident type and severity come from each alert's labels (the `external_alert` rule). */
    from_alert_labels: z.boolean().default(false),
    updated_at: z.string().nullable().optional(),
  })
  .meta({ id: 'DetectionRule' });

export type DetectionRule = z.output<typeof DetectionRuleSchema>;
export type DetectionRuleCreate = z.output<typeof DetectionRuleCreateSchema>;
export type DetectionRulePatch = z.output<typeof DetectionRulePatchSchema>;
export type RuleMatch = z.output<typeof RuleMatchSchema>;
export type Escalation = z.output<typeof EscalationSchema>;

export const RuleTestRequestSchema = z
  .object({
    events: z.array(z.unknown()).min(1).max(100_000),
    dry_run: z.boolean().default(true),
  })
  .meta({ id: 'RuleTestRequest' });

export const RuleTestIncidentSchema = z
  .object({
    group_key: z.string(),
    detected_at: z.string(),
    started_at: z.string(),
    event_count: z.number().int(),
    triggering_event_id: z.string(),
    severity: SeveritySchema,
    affected_components: z.array(z.string()),
  })
  .meta({ id: 'RuleTestIncident' });

export const RuleTestResultSchema = z
  .object({
    rule_id: z.string(),
    events_evaluated: z.number().int(),
    events_matched: z.number().int(),
    incidents: z.array(RuleTestIncidentSchema),
  })
  .meta({ id: 'RuleTestResult' });

export type RuleTestResult = z.infer<typeof RuleTestResultSchema>;
