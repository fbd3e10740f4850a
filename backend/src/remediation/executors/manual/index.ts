import { defineExecutor } from '../definition';
import { ManualExecutorConfigSchema } from './config';
import { createManualExecutor } from './executor';

export { ManualExecutorConfigSchema, type ManualExecutorConfig } from './config';
export { createManualExecutor } from './executor';

/** The manual executor, as the registry lists it. */
export const manualExecutor = defineExecutor({
  kind: 'manual',
  schema: ManualExecutorConfigSchema,
  create: (cfg) => createManualExecutor(cfg),
});
