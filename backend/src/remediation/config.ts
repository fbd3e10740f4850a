import { z } from 'zod';
import { INCIDENT_TYPES } from '../schema/enums';
import { CATALOG, CATALOG_BY_ID } from './catalog';
import { ExecutorConfigSchema } from './executors';

/** Binds a catalog action to an executor and limits how often it may run. */
export const ActionBindingSchema = z
  .object({
    executor: ExecutorConfigSchema,
    /** Real runs allowed per hour across all incidents: a loop of failing remediations stops here. */
    max_runs_per_hour: z.number().int().min(1).max(10_000).default(6),
  })
  .strict();

export type ActionBinding = z.output<typeof ActionBindingSchema>;

/** The AutoResponder's configuration. */
export const RemediationConfigSchema = z
  .object({
    /** Run low-risk actions with an http or command executor on their own, in containment. */
    auto_remediation: z.boolean().default(true),
    /** How long the workflow watches the incident's rule after an action before judging it. */
    verify_seconds: z.number().int().min(1).max(24 * 3600).default(300),
    /** An action "did not help" when matching events afterwards still arrive at this share of the rate before it, or more. */
    verify_ratio: z.number().min(0).max(10).default(0.5),
    /** How long an approval of a risky action stands (`POST .../actions/{id}/approve`), unless the approver says. */
    approval_ttl_seconds: z.number().int().min(10).max(7 * 24 * 3600).default(900),
    /** Catalog actions bound to executors; unbound ones are checklist items for a person. */
    actions: z.record(z.string(), ActionBindingSchema).default({}),
    /** Replaces the recommendations of an incident type (action ids, in order). */
    recommendations: z.partialRecord(z.enum(INCIDENT_TYPES), z.array(z.string())).default({}),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const known = () => CATALOG.map((a) => a.id).join(', ');
    for (const [id, binding] of Object.entries(cfg.actions)) {
      const a = CATALOG_BY_ID.get(id);
      if (!a) {
        ctx.addIssue({ code: 'custom', path: ['actions', id], message: `unknown action "${id}"; known actions: ${known()}` });
      } else if (a.kind === 'task' && binding.executor.kind !== 'manual') {
        ctx.addIssue({ code: 'custom', path: ['actions', id, 'executor', 'kind'], message: `"${id}" is a task for a person; only the manual executor can be bound to it` });
      }
    }
    for (const [type, ids] of Object.entries(cfg.recommendations)) {
      ids?.forEach((id, i) => {
        if (!CATALOG_BY_ID.has(id)) {
          ctx.addIssue({ code: 'custom', path: ['recommendations', type, i], message: `unknown action "${id}"; known actions: ${known()}` });
        }
      });
    }
  });

export type RemediationConfig = z.output<typeof RemediationConfigSchema>;
