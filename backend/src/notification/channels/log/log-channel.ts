import type { Channel } from '../../channel';
import type { ChannelDeps } from '../deps';
import type { LogChannelConfig } from './config';

/** A channel that logs one info line per notification; it cannot fail, so it is the safe default route. */
export function createLogChannel(name: string, _cfg: LogChannelConfig, deps: ChannelDeps): Channel {
  return {
    name,
    type: 'log',
    accepts: () => true,
    async send(msg) {
      const { incident_id, severity } = msg.incident;
      deps.logger.info({ incident_id, kind: msg.kind, severity, headline: msg.headline }, 'notification');
      return { outcome: 'sent' };
    },
  };
}
