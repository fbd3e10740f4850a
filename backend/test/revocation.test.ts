import { get } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { processFixture, spawnBackend, until, type BackendProcess } from './process';
import { TEST_PG_URL, TEST_STORE } from './test-store';

/**
 * Reliability item 24: a revoked key loses everything at once, its open streams included, on every
 * replica. On SQLite one backend process; on PostgreSQL two replicas of one schema, the stream held
 * on the one that does not lead (the revocation is made on, and signalled by, the leader).
 */
jest.setTimeout(60_000);

/** How long a revoked key's stream may outlive the revocation's answer (a bound, not an expectation). */
const BOUND_MS = 3000;

interface Stream {
  /** The frames read so far. */
  text: () => string;
  /** Resolves with the time the server ended the stream. */
  ended: Promise<number>;
  close(): void;
}

/** Opens `/api/v1/stream` with `key` and reads it until the server ends it. */
function openStream(url: string, key: string): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = get(`${url}/api/v1/stream`, { headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`stream answered ${res.statusCode}`));
        return;
      }
      let text = '';
      res.setEncoding('utf8');
      const ended = new Promise<number>((done) => res.on('end', () => done(Date.now())));
      res.on('data', (d: string) => {
        text += d;
      });
      // The stream is open once its first comment arrived.
      res.once('data', () => resolve({ text: () => text, ended, close: () => req.destroy() }));
    });
    req.on('error', reject);
  });
}

/** What `p` resolves with, or `late` after `ms` (the timer is cleared either way). */
async function within<T>(p: Promise<T>, ms: number, late: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<T>((r) => (timer = setTimeout(() => r(late), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

async function call(url: string, method: string, path: string, key?: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url + path, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const fixture = processFixture('revoke');
const { procs } = fixture;

/** The backends of this store: one on SQLite; on PostgreSQL two replicas of one schema, the first leading. */
async function startReplicas(): Promise<BackendProcess[]> {
  if (TEST_STORE !== 'postgres') {
    procs.push(await spawnBackend(fixture.dir()));
    return procs;
  }
  const schema = fixture.sharedSchema();
  const config = join(fixture.dir(), 'config.yaml');
  writeFileSync(config, stringify({ cluster: { lease_seconds: 2, heartbeat_ms: 200 } }));
  for (const name of ['r1', 'r2']) {
    procs.push(
      await spawnBackend(join(fixture.dir(), name), { MAHAVISHNU_CONFIG: config, MAHAVISHNU_STORE_URL: TEST_PG_URL, MAHAVISHNU_STORE_SCHEMA: schema, MAHAVISHNU_REPLICA_ID: name })
    );
  }
  await until('r1 to lead', async () => (await call(procs[0].url, 'GET', '/api/v1/cluster')).body?.role === 'leader');
  return procs;
}

describe('revoking a key', () => {
  it('ends its open streams at once, on every replica; the key gets 401 afterwards, other keys keep theirs', async () => {
    const replicas = await startReplicas();
    const leader = replicas[0].url;
    // The replica whose stream is watched: on PostgreSQL the one that did not make the revocation.
    const watched = replicas[replicas.length - 1].url;
    const admin = (await call(leader, 'POST', '/api/v1/keys', undefined, { name: 'ops-admin', role: 'admin' })).body.key as string;
    const viewer = await call(leader, 'POST', '/api/v1/keys', admin, { name: 'wallboard', role: 'viewer' });
    const other = await call(leader, 'POST', '/api/v1/keys', admin, { name: 'grafana', role: 'viewer' });
    expect([viewer.status, other.status]).toEqual([201, 201]);
    // The other replica has read the new keys (on the keys signal) once it lets them in.
    await until('the watched replica to know the keys', async () => (await call(watched, 'GET', '/api/v1/me', viewer.body.key)).status === 200);

    const revokedStream = await openStream(watched, viewer.body.key);
    const keptStream = await openStream(watched, other.body.key);
    try {
      const revoke = await call(watched, 'DELETE', '/api/v1/keys/wallboard', admin);
      const answeredAt = Date.now();
      expect(revoke.status).toBe(200);
      expect(revoke.body.revoked_at).not.toBeNull();
      const endedAt = await within(revokedStream.ended, BOUND_MS + 2000, Infinity);
      expect(endedAt - answeredAt).toBeLessThan(BOUND_MS);
      expect(revokedStream.text()).toContain(': the API key of this stream was revoked');
      // Every replica refuses the key now.
      for (const r of replicas) {
        expect((await call(r.url, 'GET', '/api/v1/incidents', viewer.body.key)).status).toBe(401);
      }
      // The other key's stream stays open and goes on receiving incidents.
      expect(await within(keptStream.ended.then(() => 'ended'), 300, 'open')).toBe('open');
      const created = await call(leader, 'POST', '/api/v1/incidents', admin, { incident_type: 'custom', severity: 'high', title: 'Checkout down', components: ['shop'] });
      expect(created.status).toBe(201);
      await until('the incident on the kept stream', () => keptStream.text().includes(created.body.incident_id), 10_000);
    } finally {
      revokedStream.close();
      keptStream.close();
    }
  });
});
