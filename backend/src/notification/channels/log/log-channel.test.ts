import pino from 'pino';
import { NOTIFICATION_KINDS } from '../../channel';
import { testDeps } from '../testing/deps';
import { makeMessage } from '../testing/message';
import { LogChannelConfigSchema } from './config';
import { createLogChannel } from './log-channel';

function capturingLogger(): { logger: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) }
  );
  return { logger, lines };
}

describe('log channel', () => {
  it('writes one info line per notification and reports it sent', async () => {
    const { logger, lines } = capturingLogger();
    const channel = createLogChannel('audit', LogChannelConfigSchema.parse({ type: 'log' }), testDeps({ logger }));

    const result = await channel.send(makeMessage({ kind: 'severity_changed', incident: { severity: 'critical' } }));

    expect(result).toEqual({ outcome: 'sent' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: 'notification',
      incident_id: 'inc_00001',
      kind: 'severity_changed',
      severity: 'critical',
      headline: 'New incident inc_00001: Error Burst - 2026-11-26 10:30',
    });
    expect(channel).toMatchObject({ name: 'audit', type: 'log' });
  });

  it('accepts every kind', () => {
    const channel = createLogChannel('audit', { type: 'log' }, testDeps());
    expect(NOTIFICATION_KINDS.filter((k) => channel.accepts(k))).toEqual([...NOTIFICATION_KINDS]);
  });

  it('takes no settings', () => {
    expect(LogChannelConfigSchema.safeParse({ type: 'log', level: 'debug' }).success).toBe(false);
  });
});
