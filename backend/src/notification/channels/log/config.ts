import { z } from 'zod';

/** A receiver that writes each notification to the backend's own log; needs no settings. */
export const LogChannelConfigSchema = z.object({ type: z.literal('log') }).strict();

/** A parsed log config. */
export type LogChannelConfig = z.output<typeof LogChannelConfigSchema>;
