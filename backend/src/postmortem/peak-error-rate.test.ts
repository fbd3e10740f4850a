import type { StoredEvent } from '../domain/records';
import { peakErrorRate } from './index';
import { isErrorEvent } from '../domain/error-events';

const T0 = Date.parse('2026-11-26T10:00:00Z');
type Ev = Pick<StoredEvent, 'ts' | 'event_type' | 'severity'>;
const ev = (ts: number, event_type: string, severity: Ev['severity'] = 'info'): Ev => ({ ts, event_type, severity });

describe('peakErrorRate', () => {
  it('is null without events', () => {
    expect(peakErrorRate([])).toBeNull();
  });

  it('is the largest error share of any one-minute bucket', () => {
    const events = [
      // 10:00: 3 errors of 4 events
      ev(T0 + 1_000, 'db_error'),
      ev(T0 + 20_000, 'api_timeout'),
      ev(T0 + 40_000, 'service_down'),
      ev(T0 + 59_999, 'heartbeat'),
      // 10:01: 1 error of 4 events
      ev(T0 + 60_000, 'db_error'),
      ev(T0 + 61_000, 'heartbeat'),
      ev(T0 + 62_000, 'heartbeat'),
      ev(T0 + 63_000, 'heartbeat'),
    ];
    expect(peakErrorRate(events)).toBe(0.75);
  });

  it('aligns the buckets to the minute rather than to the first event', () => {
    // 10:00:50 and 10:01:10 are 20s apart but in different minutes: each bucket is half errors.
    expect(
      peakErrorRate([
        ev(T0 + 50_000, 'db_error'),
        ev(T0 + 55_000, 'ok'),
        ev(T0 + 70_000, 'db_error'),
        ev(T0 + 75_000, 'ok'),
      ])
    ).toBe(0.5);
  });

  it('counts small buckets alike: one error out of one event beats three out of four', () => {
    const events = [
      ev(T0, 'db_error'),
      ev(T0 + 1_000, 'db_error'),
      ev(T0 + 2_000, 'db_error'),
      ev(T0 + 3_000, 'ok'),
      ev(T0 + 5 * 60_000, 'connection_failed'),
    ];
    expect(peakErrorRate(events)).toBe(1);
  });

  it('is 0 when no event is an error', () => {
    expect(peakErrorRate([ev(T0, 'deploy'), ev(T0 + 1_000, 'heartbeat', 'medium')])).toBe(0);
  });

  it('does not depend on the order of the events', () => {
    const events = [ev(T0 + 70_000, 'ok'), ev(T0, 'db_error'), ev(T0 + 61_000, 'Timeout'), ev(T0 + 1_000, 'ok')];
    expect(peakErrorRate(events)).toBe(0.5);
  });
});

describe('isErrorEvent', () => {
  it.each([
    'db_error',
    'ConnectionFailed',
    'service_down',
    'upstream_unavailable',
    'REQUEST_TIMEOUT',
    'memory_exhausted',
  ])('%s is an error', (t) => {
    expect(isErrorEvent({ event_type: t, severity: 'info' })).toBe(true);
  });

  it('counts high and critical events as errors whatever their type', () => {
    expect(isErrorEvent({ event_type: 'cpu_high', severity: 'high' })).toBe(true);
    expect(isErrorEvent({ event_type: 'login', severity: 'critical' })).toBe(true);
    expect(isErrorEvent({ event_type: 'deploy', severity: 'medium' })).toBe(false);
    expect(isErrorEvent({ event_type: 'deploy', severity: 'low' })).toBe(false);
  });
});
