import type { ActionContext } from '../../executor';
import { RESERVED_ENV_PREFIX, type CommandExecutorConfig } from './config';

/**
 * The program's whole environment: the allowlisted names from the backend's own, the configured
 * values, and the run's ids. Nothing else is passed, so the backend's secrets stay with it.
 */
export function commandEnv(
  cfg: CommandExecutorConfig,
  ctx: ActionContext,
  source: NodeJS.ProcessEnv = process.env
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of cfg.env_allowlist) {
    const value = source[name];
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, cfg.env);
  env[`${RESERVED_ENV_PREFIX}INCIDENT_ID`] = ctx.incident.incident_id;
  env[`${RESERVED_ENV_PREFIX}ACTION_ID`] = ctx.action_id;
  env[`${RESERVED_ENV_PREFIX}RUN_ID`] = ctx.run_id;
  env[`${RESERVED_ENV_PREFIX}IDEMPOTENCY_KEY`] = ctx.idempotency_key;
  return env;
}
