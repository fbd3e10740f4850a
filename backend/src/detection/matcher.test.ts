import type { StoredEvent } from '../domain/records';
import { compileMatch } from './matcher';

const event = (metadata: Record<string, unknown>) =>
  ({ seq: 1, event_id: 'e', ts: 0, received_at: 0, event_type: 'deploy', source: 'api', severity: 'high', message: '', metadata, correlation_id: null }) as StoredEvent;

describe('compileMatch, metadata regexes', () => {
  test('RE2, anchored at both ends, as Alertmanager matches labels', () => {
    const m = compileMatch({ event_types: ['deploy'], metadata: [{ key: 'env', op: '=~', value: 'prod|staging' }] });
    expect(m(event({ env: 'prod' }))).toBe(true);
    expect(m(event({ env: 'production' }))).toBe(false);
    const not = compileMatch({ event_types: ['deploy'], metadata: [{ key: 'env', op: '!~', value: 'dev-.*' }] });
    expect([not(event({ env: 'dev-1' })), not(event({ env: 'prod' }))]).toEqual([false, true]);
  });

  test('a rule stored before RE2 with syntax only JavaScript has still loads and matches as it did', () => {
    const m = compileMatch({ event_types: ['deploy'], metadata: [{ key: 'env', op: '=~', value: '(?!dev).*' }] });
    expect([m(event({ env: 'prod' })), m(event({ env: 'dev' }))]).toEqual([true, false]);
  });
});
