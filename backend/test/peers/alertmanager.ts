import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findBinary, startPeer, type Peer } from './prometheus';

/** The Alertmanager binary, `prometheus-alertmanager` on Debian and `alertmanager` upstream (`ALERTMANAGER_BIN` overrides the PATH lookup); throws with the install hint. */
export function alertmanagerBinary(): string {
  return findBinary('Alertmanager', ['prometheus-alertmanager', 'alertmanager'], 'ALERTMANAGER_BIN');
}

export interface AlertmanagerOptions {
  /** Where the webhook receiver posts (the backend's `/api/v1/webhooks/alertmanager`). */
  webhookUrl: string;
  /** Labels that make a notification group. */
  groupBy: string[];
  receiver?: string;
  /** The backend's API key Alertmanager sends (`http_config.authorization`, read from a file as operators do). */
  bearerKey?: string;
}

/**
 * Real Alertmanager on 127.0.0.1 without clustering: one route to a webhook receiver that also
 * sends resolved notifications, with waits of a second so that a test sees both within seconds.
 */
export function startAlertmanager(opts: AlertmanagerOptions): Promise<Peer> {
  const receiver = opts.receiver ?? 'mahavishnu';
  return startPeer({
    what: 'Alertmanager',
    bin: alertmanagerBinary(),
    args: (dir, port) => {
      const webhook: Record<string, unknown> = { url: opts.webhookUrl, send_resolved: true };
      if (opts.bearerKey) {
        writeFileSync(join(dir, 'backend-key'), opts.bearerKey, { mode: 0o600 });
        webhook.http_config = { authorization: { credentials_file: join(dir, 'backend-key') } };
      }
      const config = {
        route: { receiver, group_by: opts.groupBy, group_wait: '1s', group_interval: '1s', repeat_interval: '1h' },
        receivers: [{ name: receiver, webhook_configs: [webhook] }],
      };
      writeFileSync(join(dir, 'alertmanager.yml'), JSON.stringify(config, null, 2));
      return [
        `--config.file=${join(dir, 'alertmanager.yml')}`,
        `--storage.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        `--web.external-url=http://127.0.0.1:${port}`,
        // Empty: no cluster listener, so no gossip port and no peers.
        '--cluster.listen-address=',
        '--log.level=warn',
      ];
    },
  });
}
