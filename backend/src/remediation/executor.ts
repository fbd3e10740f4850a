import type { Incident } from '../schema/incidents';

/** What one run of an action knows: the incident, the person, the parameters given. */
export interface ActionContext {
  incident: Incident;
  /** The catalog key of the action, e.g. `clear_cache`. */
  action_id: string;
  run_id: string;
  /** Stable for one intended run; sent to targets (`Idempotency-Key`) so a repeat does no harm. */
  idempotency_key: string;
  /** Parameters given with the request (`{"params": {"service": "api"}}`), plain strings only. */
  params: Record<string, string>;
  /** Who asked for or approved the run; null when the workflow ran it on its own. */
  actor: string | null;
}

/** How a run ended. `output` is what the target said (truncated); `detail` is one line for tables. */
export interface ExecutionResult {
  outcome: 'succeeded' | 'failed';
  detail: string;
  output: string;
}

/** The executor kinds; one folder each under `executors/`. */
export const EXECUTOR_KINDS = ['http', 'command', 'manual'] as const;
export type ExecutorKind = (typeof EXECUTOR_KINDS)[number];

/** Runs one configured action. Built once from config by the executor registry. */
export interface Executor {
  readonly kind: ExecutorKind;
  /** What a run would do, without doing it: the dry run's answer (URL and body, or argv). */
  plan(ctx: ActionContext): Record<string, unknown>;
  /** Does it. Never throws: a failure or timeout is an ExecutionResult with outcome `failed`. */
  run(ctx: ActionContext): Promise<ExecutionResult>;
}
