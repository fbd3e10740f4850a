import { defineExecutor } from '../definition';
import { HttpExecutorConfigSchema } from './config';
import { createHttpExecutor } from './executor';

export { HttpExecutorConfigSchema, type HttpExecutorConfig } from './config';
export { createHttpExecutor, HTTP_OUTPUT_LIMIT } from './executor';

/** The http executor, as the registry lists it. */
export const httpExecutor = defineExecutor({
  kind: 'http',
  schema: HttpExecutorConfigSchema,
  create: createHttpExecutor,
});
