import type { Logger } from 'pino';
import type { Clock } from '../../util/clock';
import type { HttpClient } from '../../util/http-client';

/** What every channel factory is given; injected so tests can use loopback receivers and a manual clock. */
export interface ChannelDeps {
  http: HttpClient;
  logger: Logger;
  clock: Clock;
}
