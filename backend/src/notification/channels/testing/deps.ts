import pino from 'pino';
import { ManualClock } from '../../../util/clock';
import { undiciHttpClient } from '../../../util/http-client';
import type { ChannelDeps } from '../deps';

/** The real HTTP client, a silent logger and a manual clock at 2026-11-26T10:00:00Z. */
export function testDeps(overrides: Partial<ChannelDeps> = {}): ChannelDeps {
  return { http: undiciHttpClient, logger: pino({ level: 'silent' }), clock: new ManualClock(), ...overrides };
}
