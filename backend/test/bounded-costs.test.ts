import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { runCli, readTable } from './cli';
import { startBackend, type Backend } from './harness';

// Reliability item 23: nobody without a key makes the backend write without bound, limits hold per
// key and address and not only per declared source, and only Grafana's proxy keys name the person.

jest.setTimeout(120_000);

const bearer = (key: string, user?: string) => ({ authorization: `Bearer ${key}`, ...(user ? { 'x-grafana-user': user } : {}) });

/** An audited route's path with an id of `length` characters (Node takes request heads up to 16 KB). */
const longPath = (length: number) => `/api/v1/incidents/inc_${'x'.repeat(length)}/resolve`;

/** What the audit log holds: its rows, and the bytes of their texts. */
async function auditSize(b: Backend): Promise<{ rows: number; bytes: number }> {
  const text = (c: string) => sql<number>`coalesce(length(${sql.ref(c)}), 0)`;
  const row = await b.manager.services.store.db
    .selectFrom('audit_log')
    .select([
      sql<number>`count(*)`.as('rows'),
      sql<number>`coalesce(sum(${text('path')} + ${text('target')} + ${text('actor')} + ${text('detail')} + ${text('user_agent')} + ${text('remote_addr')} + ${text('route')}), 0)`.as('bytes'),
    ])
    .executeTakeFirstOrThrow();
  return { rows: Number(row.rows), bytes: Number(row.bytes) };
}

/** Sends `total` requests over `connections` concurrent connections; resolves with how many got each status. */
async function hammer(total: number, connections: number, send: () => Promise<Response>): Promise<Record<number, number>> {
  const statuses: Record<number, number> = {};
  let left = total;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (left > 0) {
        left -= 1;
        const res = await send();
        await res.arrayBuffer();
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      }
    })
  );
  return statuses;
}

describe('the audit log, against callers without a key', () => {
  let b: Backend;
  let admin: string;

  beforeAll(async () => {
    b = await startBackend();
    admin = (await b.post('/api/v1/keys', { name: 'ops-admin', role: 'admin' })).body.key;
  });

  afterAll(() => b?.close());

  test('2,000 refusals with 14 KB paths from 20 connections grow it by one capped entry that counts them', async () => {
    const before = await auditSize(b);
    const path = longPath(14_000);
    const statuses = await hammer(2000, 20, () => fetch(b.url + path, { method: 'POST', headers: { 'user-agent': `knocker/${'u'.repeat(1000)}` } }));
    expect(statuses).toEqual({ 401: 2000 });
    const after = await auditSize(b);
    // One entry per address, route and reason in a window, whatever the number of requests.
    expect(after.rows - before.rows).toBe(1);
    expect(after.bytes - before.bytes).toBeLessThan(2000);

    const listed = await b.req('GET', '/api/v1/audit?limit=5', undefined, bearer(admin));
    const entry = listed.body[0];
    expect(entry).toMatchObject({
      count: 2000,
      status: 401,
      method: 'POST',
      route: '/api/v1/incidents/:id/resolve',
      detail: 'unauthorized: no key',
      remote_addr: '127.0.0.1',
      actor: null,
      key_name: null,
      at: '2026-11-26T10:00:00.000Z',
      last_at: '2026-11-26T10:00:00.000Z',
    });
    // The texts a caller chooses are cut and marked with how much was left out.
    expect(entry.path).toBe(`${path.slice(0, 300)}…(+${path.length - 300} chars)`);
    expect(entry.user_agent).toMatch(/^knocker\/u+…\(\+808 chars\)$/);
    expect(entry.target.length).toBeLessThan(220);
  });

  test('a wrong key is counted apart from no key; a new window starts a new entry; the CLI shows the count', async () => {
    const path = '/api/v1/incidents/inc_1/acknowledge';
    const wrong = () => fetch(b.url + path, { method: 'POST', headers: bearer('mhv_not-a-key-at-all-0000000000000') });
    expect(await hammer(30, 5, wrong)).toEqual({ 401: 30 });
    b.clock.advance(30);
    expect(await hammer(10, 5, wrong)).toEqual({ 401: 10 });
    b.clock.advance(31);
    expect(await hammer(5, 5, wrong)).toEqual({ 401: 5 });
    expect(await hammer(3, 3, () => fetch(b.url + path, { method: 'POST' }))).toEqual({ 401: 3 });

    const entries = (await b.req('GET', '/api/v1/audit?limit=10', undefined, bearer(admin))).body as Array<Record<string, unknown>>;
    const ack = entries.filter((e) => e.route === '/api/v1/incidents/:id/acknowledge');
    expect(ack.map((e) => [e.detail, e.count, e.at, e.last_at])).toEqual([
      ['unauthorized: no key', 3, '2026-11-26T10:01:01.000Z', '2026-11-26T10:01:01.000Z'],
      ['unauthorized: unknown or revoked key', 5, '2026-11-26T10:01:01.000Z', '2026-11-26T10:01:01.000Z'],
      ['unauthorized: unknown or revoked key', 40, '2026-11-26T10:00:00.000Z', '2026-11-26T10:00:30.000Z'],
    ]);

    const cli = await runCli(['audit', '--target', 'inc_1'], { url: b.url, env: { MAHAVISHNU_API_KEY: admin } });
    const table = readTable(cli.stdout);
    expect(table.rows.map((r) => r[table.head.indexOf('Count')])).toEqual(['3', '5', '40']);
  });

  test('a caller with a key is written entry by entry, as before', async () => {
    const viewer = (await b.req('POST', '/api/v1/keys', { name: 'a-viewer', role: 'viewer' }, bearer(admin))).body.key;
    for (let i = 0; i < 3; i++) {
      expect((await b.req('POST', '/api/v1/incidents', { title: 'x', severity: 'low', incident_type: 'custom' }, bearer(viewer))).status).toBe(403);
    }
    const entries = (await b.req('GET', '/api/v1/audit?actor=a-viewer', undefined, bearer(admin))).body as Array<Record<string, unknown>>;
    expect(entries.map((e) => [e.status, e.count])).toEqual([
      [403, 1],
      [403, 1],
      [403, 1],
    ]);
  });
});

describe('the audit log is pruned by age and by count', () => {
  test('entries past security.audit.retention_seconds go at start and on the timer; past max_entries the oldest go', async () => {
    const started = await startBackend({ security: { audit: { retention_seconds: 3600, max_entries: 10 } } });
    let b = started;
    try {
      const create = async (title: string) => expect((await b.post('/api/v1/incidents', { title, severity: 'low', incident_type: 'custom' })).status).toBe(201);
      const titles = async () => ((await b.get('/api/v1/audit?limit=100')).body as Array<{ path: string }>).length;
      for (let i = 0; i < 4; i++) {
        await create(`early ${i}`);
      }
      b.clock.advance(3000);
      await create('later');
      expect(await titles()).toBe(5);

      // An hour after the first four: they go when the backend starts again.
      b.clock.advance(601);
      b = await b.restart();
      expect(await titles()).toBe(1);

      // More than max_entries: the timer keeps the newest 10.
      for (let i = 0; i < 14; i++) {
        await create(`burst ${i}`);
      }
      expect(await titles()).toBe(15);
      b.clock.advance(61);
      await b.manager.services.audit.maintain();
      expect(await titles()).toBe(10);

      // And by age on the timer too.
      b.clock.advance(3600);
      await b.manager.services.audit.maintain();
      expect(await titles()).toBe(0);
    } finally {
      await b.close();
      if (b !== started) {
        await started.close();
      }
    }
  });
});

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

describe("only Grafana's proxy keys name the person", () => {
  let b: Backend;
  let first: Backend;
  const keys: Record<string, string> = {};
  const incident = async () => (await b.req('POST', '/api/v1/incidents', { title: 'Checkout down', severity: 'high', incident_type: 'custom' }, bearer(keys.proxy))).body.incident_id as string;

  beforeAll(async () => {
    b = first = await startBackend();
    keys.admin = (await b.post('/api/v1/keys', { name: 'admin', role: 'admin' })).body.key;
    const proxy = await b.req('POST', '/api/v1/keys', { name: 'grafana-respond', role: 'responder', grafana_proxy: true }, bearer(keys.admin));
    expect(proxy.body).toMatchObject({ name: 'grafana-respond', grafana_proxy: true });
    keys.proxy = proxy.body.key;
    keys.script = (await b.req('POST', '/api/v1/keys', { name: 'ci-script', role: 'responder' }, bearer(keys.admin))).body.key;
  });

  afterAll(async () => {
    // The restarted backend first, then the first one, which removes the data it shared.
    await b?.close();
    if (first !== b) {
      await first?.close();
    }
  });

  test("a proxy key's X-Grafana-User acts; another key's is ignored, the key's name acts, and the audit log says so", async () => {
    const id = await incident();
    const byProxy = await b.req('POST', `/api/v1/incidents/${id}/acknowledge`, {}, bearer(keys.proxy, 'alice'));
    expect(byProxy.body.acknowledged_by).toBe('alice');
    const assigned = await b.req('POST', `/api/v1/incidents/${id}/assign`, { assignee: 'bob' }, bearer(keys.script, 'mallory'));
    expect(assigned.status).toBe(200);
    const timeline = (await b.req('GET', `/api/v1/incidents/${id}/timeline`, undefined, bearer(keys.script))).body as Array<{ actor: string | null }>;
    expect(timeline.map((t) => t.actor)).toEqual(expect.arrayContaining(['alice', 'ci-script']));
    expect(timeline.map((t) => t.actor)).not.toContain('mallory');
    expect((await b.req('GET', '/api/v1/me', undefined, bearer(keys.script, 'mallory'))).body).toMatchObject({ actor: 'ci-script', key_name: 'ci-script' });
    expect((await b.req('GET', '/api/v1/me', undefined, bearer(keys.proxy, 'alice'))).body).toMatchObject({ actor: 'alice', key_name: 'grafana-respond' });

    const audit = (await b.req('GET', `/api/v1/audit?target=${id}`, undefined, bearer(keys.admin))).body as Array<Record<string, unknown>>;
    expect(audit.find((e) => e.route === '/api/v1/incidents/:id/assign')).toMatchObject({
      actor: 'ci-script',
      key_name: 'ci-script',
      status: 200,
      detail: 'X-Grafana-User "mallory" ignored: ci-script is not a Grafana proxy key',
    });
    // The key's own name in the header is no claim to note.
    expect((await b.req('POST', `/api/v1/incidents/${id}/assign`, { assignee: 'carol' }, bearer(keys.script, 'ci-script'))).status).toBe(200);
    const latest = (await b.req('GET', `/api/v1/audit?target=${id}&limit=1`, undefined, bearer(keys.admin))).body[0];
    expect(latest).toMatchObject({ route: '/api/v1/incidents/:id/assign', actor: 'ci-script', detail: null });
    expect(audit.find((e) => e.route === '/api/v1/incidents/:id/acknowledge')).toMatchObject({ actor: 'alice', key_name: 'grafana-respond', detail: null });
  });

  test('the flag is stored (it holds across a restart), listed, and set by the CLI and the configuration', async () => {
    const env = { MAHAVISHNU_API_KEY: keys.admin };
    const created = await runCli(['keys', 'create', '--name', 'grafana-read', '--role', 'viewer', '--grafana-proxy'], { url: b.url, env });
    expect(created.code).toBe(0);
    expect(created.stderr).toMatch(/Grafana's proxy key/);
    b = await b.restart();
    const listed = readTable((await runCli(['keys', 'list'], { url: b.url, env })).stdout);
    const proxyOf = Object.fromEntries(listed.rows.map((r) => [r[listed.head.indexOf('Name')], r[listed.head.indexOf('Proxy')]]));
    expect(proxyOf).toEqual({ admin: '', 'grafana-respond': 'grafana', 'ci-script': '', 'grafana-read': 'grafana' });
    const read = created.stdout.trim();
    expect((await b.req('GET', '/api/v1/me', undefined, bearer(read, 'carol'))).body).toMatchObject({ actor: 'carol', role: 'viewer' });
    expect((await b.req('GET', '/api/v1/me', undefined, bearer(keys.script, 'mallory'))).body.actor).toBe('ci-script');
  });

  test('a key named in the configuration is a proxy key only when marked so', async () => {
    const configured = await startBackend(
      {
        security: {
          auth: {
            keys: [
              { name: 'grafana-admin', role: 'admin', key_env: 'GF_ADMIN', grafana_proxy: true },
              { name: 'alertmanager', role: 'source', key_env: 'AM_KEY' },
            ],
          },
        },
      },
      undefined,
      undefined,
      { GF_ADMIN: 'configured-grafana-admin-key-0123', AM_KEY: 'configured-alertmanager-key-0123' }
    );
    try {
      const me = await configured.req('GET', '/api/v1/me', undefined, bearer('configured-grafana-admin-key-0123', 'dana'));
      expect(me.body).toMatchObject({ actor: 'dana', key_name: 'grafana-admin' });
      const listed = (await configured.req('GET', '/api/v1/keys', undefined, bearer('configured-grafana-admin-key-0123'))).body as Array<{ name: string; grafana_proxy: boolean }>;
      expect(listed.map((k) => [k.name, k.grafana_proxy])).toEqual([
        ['grafana-admin', true],
        ['alertmanager', false],
      ]);
    } finally {
      await configured.close();
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
