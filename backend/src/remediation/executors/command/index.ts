import { defineExecutor } from '../definition';
import { CommandExecutorConfigSchema } from './config';
import { createCommandExecutor } from './executor';

export { CommandExecutorConfigSchema, type CommandExecutorConfig } from './config';
export { createCommandExecutor, KILL_GRACE_MS } from './executor';
export { TRUNCATED_MARKER } from './output';

/** The command executor, as the registry lists it. */
export const commandExecutor = defineExecutor({
  kind: 'command',
  schema: CommandExecutorConfigSchema,
  create: (cfg) => createCommandExecutor(cfg),
});
