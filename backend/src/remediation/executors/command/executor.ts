import { stat } from 'node:fs/promises';
import type { ActionContext, ExecutionResult, Executor } from '../../executor';
import { renderTemplate } from '../template';
import type { CommandExecutorConfig } from './config';
import { commandEnv } from './environment';
import { runProcess, type ProcessOutcome } from './process';

/** Between SIGTERM and SIGKILL when a program outlives its timeout. */
export const KILL_GRACE_MS = 2000;

/** argv after rendering: the program as written, then each argument rendered on its own. */
function renderArgv(cfg: CommandExecutorConfig, ctx: ActionContext): string[] {
  const [program, ...args] = cfg.argv;
  return [program, ...args.map((arg) => renderTemplate(arg, ctx))];
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

function failed(detail: string, output = ''): ExecutionResult {
  return { outcome: 'failed', detail, output };
}

function toResult(outcome: ProcessOutcome, cfg: CommandExecutorConfig): ExecutionResult {
  const program = cfg.argv[0];
  switch (outcome.kind) {
    case 'exited':
      return {
        outcome: outcome.code === 0 ? 'succeeded' : 'failed',
        detail: `exit ${outcome.code}`,
        output: outcome.output,
      };
    case 'signalled':
      return failed(`killed by ${outcome.signal}`, outcome.output);
    case 'timed_out':
      return failed(`timed out after ${cfg.timeout_seconds}s`, outcome.output);
    case 'spawn_failed':
      if (outcome.code === 'ENOENT') return failed(`program not found: ${program}`);
      if (outcome.code === 'EACCES') return failed(`program not executable: ${program}`);
      return failed(`could not start ${program}${outcome.code ? ` (${outcome.code})` : ''}`);
  }
}

/**
 * Runs one configured program per run, without a shell: incident values and params reach it as
 * whole arguments and can never become commands of their own.
 */
export function createCommandExecutor(cfg: CommandExecutorConfig): Executor {
  return {
    kind: 'command',

    plan(ctx: ActionContext) {
      return { argv: renderArgv(cfg, ctx), cwd: cfg.cwd };
    },

    async run(ctx: ActionContext): Promise<ExecutionResult> {
      const [program, ...args] = renderArgv(cfg, ctx);
      // A NUL cannot be passed in an argument; say so rather than let spawn throw.
      const withNul = args.findIndex((arg) => arg.includes('\0'));
      if (withNul >= 0) return failed(`argument ${withNul + 1} holds a NUL byte after rendering`);
      // spawn reports a missing cwd as ENOENT, which would read as a missing program.
      if (cfg.cwd !== undefined && !(await isDirectory(cfg.cwd))) {
        return failed(`working directory not found: ${cfg.cwd}`);
      }
      const outcome = await runProcess({
        program,
        args,
        cwd: cfg.cwd,
        env: commandEnv(cfg, ctx),
        timeoutMs: cfg.timeout_seconds * 1000,
        killGraceMs: KILL_GRACE_MS,
        outputLimitBytes: cfg.output_limit_bytes,
      });
      return toResult(outcome, cfg);
    },
  };
}
