import type { z } from 'zod';
import type { Executor, ExecutorKind } from '../executor';
import type { HttpClient } from '../../util/http-client';

/** What executors may need from the backend; the same object is given to every factory. */
export interface ExecutorDeps {
  http: HttpClient;
}

/** What each folder under `executors/` exports for the registry: its kind, config schema and factory. */
export interface ExecutorDefinition<K extends ExecutorKind, S extends z.ZodObject> {
  readonly kind: K;
  readonly schema: S;
  create(cfg: z.output<S>, deps: ExecutorDeps): Executor;
}

/** Ties a schema to its factory with the types inferred, so the registry needs no annotations. */
export function defineExecutor<K extends ExecutorKind, S extends z.ZodObject>(
  def: ExecutorDefinition<K, S>
): ExecutorDefinition<K, S> {
  return def;
}
