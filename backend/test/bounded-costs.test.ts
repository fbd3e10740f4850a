import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBackend, type Backend } from './harness';

// Reliability item 23: nobody without a key makes the backend write without bound, limits hold per
// key and address and not only per declared source, and only Grafana's proxy keys name the person.

jest.setTimeout(120_000);

const bearer = (key: string, user?: string) => ({ authorization: `Bearer ${key}`, ...(user ? { 'x-grafana-user': user } : {}) });

describe('rate limits per key and per address', () => {
  const events = (n: number, tag: string) => Array.from({ length: n }, (_, k) => ({ source: `${tag}-${k}`, event_type: 'info', severity: 'low', message: `m${k}` }));

  test('a key that names a new source for every event gets 429 naming the key limit; other keys go on', async () => {
    const b = await startBackend({ security: { rate_limit: { events_per_second_per_key: 10, burst_per_key: 20 } } });
    try {
      const admin = (await b.post('/api/v1/keys', { name: 'admin', role: 'admin' })).body.key;
      const rotating = (await b.req('POST', '/api/v1/keys', { name: 'rotating', role: 'source' }, bearer(admin))).body.key;
      const other = (await b.req('POST', '/api/v1/keys', { name: 'other', role: 'source' }, bearer(admin))).body.key;
      for (const batch of [events(15, 'a'), events(5, 'b')]) {
        expect((await b.req('POST', '/api/v1/events', batch, bearer(rotating))).status).toBe(202);
      }
      const refused = await b.req('POST', '/api/v1/events', events(1, 'c'), bearer(rotating));
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(refused.body.error).toMatchObject({ code: 'rate_limited' });
      expect(refused.body.error.message).toBe(
        'the key "rotating" sends more than 10 events/s (bursts of 20): its events are refused for now, whatever sources it names; other keys go on (security.rate_limit.events_per_second_per_key)'
      );
      expect((await b.req('POST', '/api/v1/events', events(5, 'd'), bearer(other))).status).toBe(202);
      b.clock.advance(1);
      expect((await b.req('POST', '/api/v1/events', events(10, 'e'), bearer(rotating))).status).toBe(202);
      expect((await b.req('POST', '/api/v1/events', events(1, 'f'), bearer(rotating))).status).toBe(429);
    } finally {
      await b.close();
    }
  });

  test('without keys, one address that rotates sources gets 429 naming the address limit', async () => {
    const b = await startBackend({ security: { rate_limit: { events_per_second_per_address: 10, burst_per_address: 20 } } });
    try {
      expect((await b.post('/api/v1/events', events(20, 'a'))).status).toBe(202);
      const refused = await b.post('/api/v1/events', events(3, 'b'));
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(refused.body.error.message).toMatch(/^address 127\.0\.0\.1 \(no key\) sends more than 10 events\/s \(bursts of 20\).*security\.rate_limit\.events_per_second_per_address\)$/);
      // The Alertmanager webhook draws on the same address's bucket.
      const alert = JSON.parse(readFileSync(join(__dirname, '../src/ingest/webhooks/fixtures/alertmanager-webhook-v4.json'), 'utf8'));
      expect((await b.post('/api/v1/webhooks/alertmanager', alert)).status).toBe(429);
      b.clock.advance(2);
      expect((await b.post('/api/v1/webhooks/alertmanager', alert)).status).toBe(202);
    } finally {
      await b.close();
    }
  });
});

describe('approvals stand no longer than remediation.approval_ttl_seconds', () => {
  test('a longer expires_in_seconds is 400 naming the field and the maximum; the maximum itself is taken', async () => {
    const b = await startBackend({ remediation: { auto_remediation: false, approval_ttl_seconds: 600 } });
    try {
      const id = (await b.post('/api/v1/incidents', { title: 'Deadlocks', severity: 'high', incident_type: 'deadlock_detected' })).body.incident_id;
      const approve = (expires: number) => b.post('/api/v1/approvals', { incident_id: id, action_id: 'database_maintenance', approved_by: 'lena', expires_in_seconds: expires });
      const tooLong = await approve(601);
      expect(tooLong.status).toBe(400);
      expect(tooLong.body.error).toMatchObject({
        code: 'invalid_request',
        message: 'body.expires_in_seconds: at most 600 seconds (remediation.approval_ttl_seconds), got 601',
        details: [{ field: 'body.expires_in_seconds', message: 'at most 600 seconds (remediation.approval_ttl_seconds)' }],
      });
      expect((await b.get(`/api/v1/incidents/${id}/approvals`)).body).toEqual([]);
      const ok = await approve(600);
      expect(ok.status).toBe(201);
      expect(Date.parse(ok.body.expires_at) - Date.parse(ok.body.created_at)).toBe(600_000);
    } finally {
      await b.close();
    }
  });
});
