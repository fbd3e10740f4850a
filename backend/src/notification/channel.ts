import type { NotificationKind, NotificationMessage } from '../schema/notifications';

export { NOTIFICATION_KINDS, type NotificationKind, type NotificationMessage } from '../schema/notifications';

/** How one attempt ended: delivered, worth retrying (maybe not before `retryAfterMs`), or final. */
export type DeliveryResult =
  | { outcome: 'sent'; status?: number }
  | { outcome: 'retry'; reason: string; status?: number; retryAfterMs?: number }
  | { outcome: 'failed'; reason: string; status?: number };

/** The channel types a receiver can have; the default routes name types, routes name receivers. */
export const CHANNEL_TYPES = ['log', 'slack', 'pagerduty', 'email', 'webhook'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** A configured receiver: one folder per type under `channels/`, each with a factory and a config schema. */
export interface Channel {
  readonly name: string;
  readonly type: ChannelType;
  /** Which kinds this channel is told about (PagerDuty also takes acknowledgements; the others do not). */
  accepts(kind: NotificationKind): boolean;
  /** One attempt. Never throws: every failure is a DeliveryResult whose reason holds no secret. */
  send(msg: NotificationMessage): Promise<DeliveryResult>;
}
