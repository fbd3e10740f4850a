import { defineChannel } from '../definition';
import { LogChannelConfigSchema } from './config';
import { createLogChannel } from './log-channel';

export { LogChannelConfigSchema, type LogChannelConfig } from './config';
export { createLogChannel } from './log-channel';

/** The log channel type, as the registry lists it. */
export const logChannel = defineChannel({
  type: 'log',
  schema: LogChannelConfigSchema,
  create: createLogChannel,
  secrets: () => [],
});
