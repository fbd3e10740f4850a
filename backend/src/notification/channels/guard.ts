import type { DeliveryResult, NotificationMessage } from '../channel';
import { messageOf, safeReason } from './reason';
import { truncate } from './text';

type Send = (msg: NotificationMessage) => Promise<DeliveryResult>;

/**
 * Keeps the Channel promise that `send` never throws: anything escaping `send` (a message that
 * cannot be rendered, a bug) becomes a final failure, since trying the same message again would
 * throw again.
 */
export function guarded(secrets: readonly string[], send: Send): Send {
  return async (msg) => {
    try {
      return await send(msg);
    } catch (err) {
      return { outcome: 'failed', reason: `could not send: ${truncate(safeReason(messageOf(err), secrets), 200)}` };
    }
  };
}
