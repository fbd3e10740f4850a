import { z } from 'zod';
import type { Channel } from '../channel';
import type { ChannelConfigObject, ChannelDefinition } from './definition';
import type { ChannelDeps } from './deps';
import { emailChannel } from './email';
import { logChannel } from './log';
import { pagerDutyChannel } from './pagerduty';
import { slackChannel } from './slack';
import { webhookChannel } from './webhook';

/** Re-exported so the notifier needs only this module to build channels. */
export type { ChannelDeps } from './deps';

/** Every channel type. Adding one means a folder exporting a definition, and its name on this line. */
const DEFINITIONS = [logChannel, slackChannel, pagerDutyChannel, emailChannel, webhookChannel] as const;

type SchemaOf<D> = D extends ChannelDefinition<infer S> ? S : never;
type Schemas<T extends readonly unknown[]> = { -readonly [K in keyof T]: SchemaOf<T[K]> };

/** A receiver's config: one of the channel types' schemas, chosen by `type`. */
export const ChannelConfigSchema = z.discriminatedUnion(
  'type',
  // map() loses the tuple type discriminatedUnion needs; the cast restores exactly what map() built.
  DEFINITIONS.map((d) => d.schema) as Schemas<typeof DEFINITIONS>
);

/** A parsed receiver config, defaults filled in; `type` tells which channel it is for. */
export type ChannelConfig = z.output<typeof ChannelConfigSchema>;

/**
 * Definitions by type. Stored with the widest config type: `createChannel` only ever hands a
 * definition a config whose `type` is its own, which the schema union guarantees.
 */
const BY_TYPE = new Map<string, ChannelDefinition<ChannelConfigObject>>(DEFINITIONS.map((d) => [d.type, d]));

function definitionOf(cfg: ChannelConfig): ChannelDefinition<ChannelConfigObject> {
  const def = BY_TYPE.get(cfg.type);
  // Unreachable for a config parsed by ChannelConfigSchema; guards configs built by hand.
  if (def === undefined) throw new Error(`unknown channel type "${String(cfg.type)}"`);
  return def;
}

/** Builds the receiver `name` from its parsed config. */
export function createChannel(name: string, cfg: ChannelConfig, deps: ChannelDeps): Channel {
  return definitionOf(cfg).create(name, cfg, deps);
}

/** The secret values of a config (webhook URLs, routing keys, passwords, signing secrets), for redaction elsewhere. */
export function channelSecrets(cfg: ChannelConfig): string[] {
  return definitionOf(cfg)
    .secrets(cfg)
    .filter((s) => s.length > 0);
}

/** The channel types the registry knows, in registry order. */
export const REGISTERED_CHANNEL_TYPES = DEFINITIONS.map((d) => d.type);
