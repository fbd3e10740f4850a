import { z } from 'zod';
import type { Executor, ExecutorKind } from '../executor';
import type { ExecutorDeps } from './definition';
import { commandExecutor } from './command';
import { httpExecutor } from './http';
import { manualExecutor } from './manual';

export type { ExecutorDeps } from './definition';

/** Every executor, one line each: a new kind is a folder beside these and a line here. */
const DEFINITIONS = [httpExecutor, commandExecutor, manualExecutor] as const;

type Definition = (typeof DEFINITIONS)[number];
// What discriminatedUnion takes: a non-empty list of the schemas (map() loses the non-emptiness).
type Schemas = [Definition['schema'], ...Array<Definition['schema']>];

// Compiles only while every kind in EXECUTOR_KINDS has a definition above.
const EVERY_KIND_DEFINED: Exclude<ExecutorKind, Definition['kind']> extends never ? true : never = true;
void EVERY_KIND_DEFINED;

/** An action's `executor` config: one object whose `kind` picks the executor and its fields. */
export const ExecutorConfigSchema = z.discriminatedUnion('kind', DEFINITIONS.map((d) => d.schema) as Schemas);

/** A parsed executor config, defaults applied. */
export type ExecutorConfig = z.output<typeof ExecutorConfigSchema>;

/** Builds the executor a parsed config names. */
export function createExecutor(cfg: ExecutorConfig, deps: ExecutorDeps): Executor {
  const def = DEFINITIONS.find((d) => d.kind === cfg.kind);
  if (!def) throw new Error(`no executor of kind ${cfg.kind}`);
  // The discriminated union pairs each config with the definition its kind names;
  // TypeScript cannot follow that pairing through find().
  const create = def.create as (cfg: ExecutorConfig, deps: ExecutorDeps) => Executor;
  return create(cfg, deps);
}
