import { z } from 'zod';

/** The risk levels of remediation strategies. */
export const ACTION_RISKS = ['low', 'medium', 'high'] as const;
export type ActionRisk = (typeof ACTION_RISKS)[number];

/** Who must approve a run: low risk nobody, medium an on-call responder, high a team lead. */
export const APPROVALS = ['none', 'responder', 'lead'] as const;
export type Approval = (typeof APPROVALS)[number];

/** Where one run is: its intent is stored (`queued`) before it starts (`running`). */
export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'unknown', 'dry_run'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** What the data said after a run: the incident's rule kept firing at the same rate, or not. */
export const VERIFICATIONS = ['pending', 'helped', 'did_not_help'] as const;
export type Verification = (typeof VERIFICATIONS)[number];

/** Where an action stands for one incident, from its recommendation to its last run. */
export const ACTION_STATES = ['recommended', 'awaiting_approval', 'todo', ...RUN_STATUSES, 'did_not_help'] as const;
export type ActionState = (typeof ACTION_STATES)[number];

/** One run of an action: execution history with output, duration, result and who approved it. */
export const ActionRunSchema = z
  .object({
    run_id: z.string(),
    incident_id: z.string(),
    action_id: z.string(),
    idempotency_key: z.string(),
    trigger: z.enum(['auto', 'manual']),
    dry_run: z.boolean(),
    status: z.enum(RUN_STATUSES),
    requested_by: z.string().nullable(),
    approved_by: z.string().nullable(),
    params: z.record(z.string(), z.string()),
    plan: z.record(z.string(), z.unknown()).nullable(),
    detail: z.string().nullable(),
    output: z.string().nullable(),
    queued_at: z.string(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
    duration_ms: z.number().nullable(),
    verification: z.enum(VERIFICATIONS).nullable(),
    verify_until: z.string().nullable(),
  })
  .meta({ id: 'ActionRun' });

export type ActionRun = z.infer<typeof ActionRunSchema>;

/** A recommended remediation action for one incident, with its state and its runs. */
export const RemediationActionSchema = z
  .object({
    action_id: z.string(),
    title: z.string(),
    description: z.string(),
    risk: z.enum(ACTION_RISKS),
    approval: z.enum(APPROVALS),
    executor: z.enum(['http', 'command', 'manual']),
    /** Runs on its own in containment (low risk, bound to an http or command executor, auto-remediation on). */
    automatic: z.boolean(),
    state: z.enum(ACTION_STATES),
    runs: z.array(ActionRunSchema),
  })
  .meta({ id: 'RemediationAction' });

export type RemediationAction = z.infer<typeof RemediationActionSchema>;

const PARAM = z.string().max(1024);

/** `POST /api/v1/incidents/{id}/actions/{action_id}`: run (or dry-run) an action, with an approval where its risk needs one. */
export const ExecuteActionSchema = z
  .object({
    approved_by: z.string().min(1).max(256).optional(),
    dry_run: z.boolean().default(false),
    params: z.record(z.string().regex(/^[A-Za-z0-9_]{1,64}$/, 'parameter names are letters, digits and _'), PARAM).default({}),
    idempotency_key: z.string().min(1).max(255).optional(),
    actor: z.string().min(1).max(256).optional(),
  })
  .strict()
  .meta({ id: 'ExecuteAction' });

export type ExecuteAction = z.output<typeof ExecuteActionSchema>;
