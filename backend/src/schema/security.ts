import { z } from 'zod';
import { ROLES } from '../security/config';

/*
 * API keys, the audit log and approvals on the wire. A key's secret appears once, in the answer
 * that creates it; lists show its prefix.
 */

export const RoleSchema = z.enum(ROLES);

export const ApiKeySchema = z
  .object({
    key_id: z.string(),
    name: z.string(),
    role: RoleSchema,
    /** The key's first characters, to tell keys apart. */
    prefix: z.string(),
    /** `api` for keys created through the API or the CLI, `config` for keys named in the configuration. */
    origin: z.enum(['api', 'config']),
    /** A key Grafana's proxy routes send: only its requests may name the person (`X-Grafana-User`); others act as the key's name. */
    grafana_proxy: z.boolean(),
    created_at: z.string().nullable(),
    created_by: z.string().nullable(),
    revoked_at: z.string().nullable(),
    revoked_by: z.string().nullable(),
  })
  .meta({ id: 'ApiKey' });
export type ApiKey = z.infer<typeof ApiKeySchema>;

export const ApiKeyCreateSchema = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/, 'a name of letters, digits, _ . @ - (up to 64)'),
    role: RoleSchema,
    /** For the keys Grafana's proxy routes send (the app's readKey, respondKey, adminKey). */
    grafana_proxy: z.boolean().default(false),
  })
  .strict()
  .meta({ id: 'ApiKeyCreate' });

export const ApiKeyCreatedSchema = ApiKeySchema.extend({
  /** The key itself: shown this once, never again. */
  key: z.string(),
}).meta({ id: 'ApiKeyCreated' });
export type ApiKeyCreated = z.infer<typeof ApiKeyCreatedSchema>;

export const AuditEntrySchema = z
  .object({
    seq: z.number().int(),
    at: z.string(),
    /** The person (X-Grafana-User with a valid key, else the key's name), or null with no keys configured. */
    actor: z.string().nullable(),
    key_name: z.string().nullable(),
    role: RoleSchema.nullable(),
    method: z.string(),
    /** The route, as declared (`/api/v1/incidents/:id/acknowledge`). */
    route: z.string(),
    /** The path as requested, without its query; this and the other texts a caller chooses are cut past a few hundred characters, ending `…(+N chars)`. */
    path: z.string(),
    /** What was acted on: the incident, rule or key id. */
    target: z.string().nullable(),
    /** The answer's HTTP status: refusals (401, 403, 409) are recorded too. */
    status: z.number().int(),
    detail: z.string().nullable(),
    /**
     * How many requests the entry stands for: refusals of callers without a valid key, from one
     * address for one route and reason, are counted in one entry per window
     * (`security.audit.refusal_window_seconds`), from `at` to `last_at`.
     */
    count: z.number().int(),
    last_at: z.string().nullable(),
    /** The address the request came from (Grafana's, for requests through its proxy). */
    remote_addr: z.string().nullable(),
    user_agent: z.string().nullable(),
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditQuerySchema = z.object({
  since: z.string().optional(),
  actor: z.string().max(256).optional(),
  target: z.string().max(256).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
});
export type AuditQuery = z.output<typeof AuditQuerySchema>;

export const ActionApprovalSchema = z
  .object({
    approval_id: z.string(),
    incident_id: z.string(),
    action_id: z.string(),
    approved_by: z.string(),
    role: RoleSchema.nullable(),
    created_at: z.string(),
    expires_at: z.string(),
    /** The run that used it; an approval authorizes one run of one action of one incident. */
    used_by_run: z.string().nullable(),
  })
  .meta({ id: 'ActionApproval' });
export type ActionApproval = z.infer<typeof ActionApprovalSchema>;

export const ApproveActionSchema = z
  .object({
    incident_id: z.string().min(1).max(64),
    /** The catalog action approved (e.g. `database_maintenance`). */
    action_id: z.string().min(1).max(64),
    /** How long the approval stands: at most, and by default, `remediation.approval_ttl_seconds` (more is 400). */
    expires_in_seconds: z.number().int().min(10).max(7 * 24 * 3600).optional(),
    /** Who approves, where no key names them (no keys configured). */
    approved_by: z.string().min(1).max(256).optional(),
  })
  .strict()
  .meta({ id: 'ApproveAction' });
export type ApproveAction = z.output<typeof ApproveActionSchema>;
