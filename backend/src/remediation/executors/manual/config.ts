import { z } from 'zod';

/** Config of an action a person does by hand; the workflow records it like any other run. */
export const ManualExecutorConfigSchema = z
  .object({
    kind: z.literal('manual'),
    /** What to do, shown to the person as written. */
    instructions: z.string().optional(),
  })
  .strict();

/** A parsed manual executor config. */
export type ManualExecutorConfig = z.output<typeof ManualExecutorConfigSchema>;
