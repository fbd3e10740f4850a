import type { z } from 'zod';
import type { Channel, ChannelType } from '../channel';
import type { ChannelDeps } from './deps';

/** A channel type's config schema: a strict object whose `type` is the type's literal. */
export type ChannelConfigObject = z.ZodObject<{ type: z.ZodLiteral<ChannelType> } & z.core.$ZodShape, z.core.$strict>;

/** Everything the registry needs to know about one channel type; each channel folder exports one. */
export interface ChannelDefinition<S extends ChannelConfigObject = ChannelConfigObject> {
  readonly type: z.output<S>['type'];
  readonly schema: S;
  /** Builds a receiver; `cfg` has been parsed by `schema`, so defaults are filled in. */
  create(name: string, cfg: z.output<S>, deps: ChannelDeps): Channel;
  /** The values of `cfg` that must never appear in a reason or a log line. */
  secrets(cfg: z.output<S>): string[];
}

/** Declares a channel type; exists so the config type of `create` and `secrets` is inferred from `schema`. */
export function defineChannel<S extends ChannelConfigObject>(def: ChannelDefinition<S>): ChannelDefinition<S> {
  return def;
}
