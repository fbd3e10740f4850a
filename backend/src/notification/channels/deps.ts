import type { Logger } from 'pino';
import type { Clock } from '../../util/clock';
import type { OutboundGuard } from '../../security/outbound';
import type { HttpClient } from '../../util/http-client';

/** What every channel factory is given; injected so tests can use loopback receivers and a manual clock. */
export interface ChannelDeps {
  http: HttpClient;
  /** Where channels that open their own connections (SMTP) may connect; `http` goes through the same guard. */
  outbound: OutboundGuard;
  logger: Logger;
  clock: Clock;
}
