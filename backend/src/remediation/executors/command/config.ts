import { z } from 'zod';
import { checkTemplate } from '../template';

const ENV_NAME = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'not a valid environment variable name');

/** The variables every run gets; config may not set them, so a script can trust them. */
export const RESERVED_ENV_PREFIX = 'MAHAVISHNU_';

/**
 * Config of an action that runs a program directly (no shell). argv elements after the first are
 * templates; each renders to exactly one argument whatever it contains.
 */
export const CommandExecutorConfigSchema = z
  .object({
    kind: z.literal('command'),
    argv: z.array(z.string().min(1)).min(1),
    cwd: z.string().optional(),
    timeout_seconds: z.number().int().min(1).max(3600).default(30),
    /** Names copied from the backend's environment; everything else is withheld from the program. */
    env_allowlist: z.array(ENV_NAME).default(['PATH']),
    /** Fixed values for the program's environment (not templates). */
    env: z.record(ENV_NAME, z.string()).default({}),
    output_limit_bytes: z.number().int().min(256).max(1048576).default(16384),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    // Which program runs must be read from config alone, never chosen by an incident or a param.
    // (zod runs this even after `.min(1)` failed, hence the guard.)
    if (cfg.argv.length > 0 && cfg.argv[0].includes('{{')) {
      ctx.addIssue({ code: 'custom', path: ['argv', 0], message: 'the program may not contain a template' });
    }
    cfg.argv.slice(1).forEach((arg, i) => {
      const problem = checkTemplate(arg);
      if (problem) ctx.addIssue({ code: 'custom', path: ['argv', i + 1], message: problem });
    });
    for (const name of Object.keys(cfg.env)) {
      if (name.toUpperCase().startsWith(RESERVED_ENV_PREFIX)) {
        ctx.addIssue({ code: 'custom', path: ['env', name], message: `${RESERVED_ENV_PREFIX}* is set by the backend` });
      }
    }
  });

/** A parsed command executor config, defaults applied. */
export type CommandExecutorConfig = z.output<typeof CommandExecutorConfigSchema>;
