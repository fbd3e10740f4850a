import type { ActionContext, ExecutionResult, Executor } from '../../executor';
import type { ManualExecutorConfig } from './config';

/**
 * A checklist item for a person. Running it records that the step was done: the run is the person's
 * confirmation, so it always succeeds.
 */
export function createManualExecutor(cfg: ManualExecutorConfig): Executor {
  return {
    kind: 'manual',

    plan() {
      return { instructions: cfg.instructions };
    },

    async run(ctx: ActionContext): Promise<ExecutionResult> {
      return { outcome: 'succeeded', detail: `done by ${ctx.actor ?? 'someone'}`, output: cfg.instructions ?? '' };
    },
  };
}
