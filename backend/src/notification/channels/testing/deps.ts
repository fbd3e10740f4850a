import pino from 'pino';
import { ManualClock } from '../../../util/clock';
import { OutboundGuard } from '../../../security/outbound';
import { createHttpClient } from '../../../util/http-client';
import type { ChannelDeps } from '../deps';

/** The tests' receivers listen on 127.0.0.1, which the operator of a test names in its allowlist. */
const outbound = new OutboundGuard({ allowlist: ['127.0.0.1'] });
const http = createHttpClient({ outbound });

/** The real HTTP client (loopback allowed), a silent logger and a manual clock at 2026-11-26T10:00:00Z. */
export function testDeps(overrides: Partial<ChannelDeps> = {}): ChannelDeps {
  return { http, outbound, logger: pino({ level: 'silent' }), clock: new ManualClock(), ...overrides };
}
