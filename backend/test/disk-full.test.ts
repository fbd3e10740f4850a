import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { IngestLoad, LogWatch, postEvents, statusOf, when } from './outage';
import { spawnBackend, type BackendProcess } from './process';
import { TEST_STORE } from './test-store';

/**
 * reliability.md, test 22: the disk under SQLite fills up. Ingest answers 507 with Retry-After and a
 * message naming the cause, /readyz is not ready, the log says once which file and why; once space is
 * freed writes resume within seconds, and nothing acknowledged is lost. The disk is a real one: a
 * small tmpfs mounted for the test, which needs root.
 */
const SIZE = '4m';

let dir: string;
let mounted = false;
let why = '';
let proc: BackendProcess | null = null;

beforeAll(() => {
  if (TEST_STORE !== 'sqlite') {
    why = 'SQLite only (PostgreSQL disk full is in store-outage.test.ts)';
    return;
  }
  if (process.getuid?.() !== 0) {
    why = 'mounting a tmpfs needs root';
    return;
  }
  dir = mkdtempSync(join(tmpdir(), 'mahavishnu-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${SIZE}`, 'tmpfs', dir], { stdio: 'pipe' });
    mounted = true;
  } catch (err) {
    why = `mount -t tmpfs failed: ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}`;
  }
});

afterAll(async () => {
  await proc?.kill('SIGKILL');
  if (mounted) {
    execFileSync('umount', ['-l', dir]);
  }
  if (dir) {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Writes a file until the filesystem has no room left; returns its path. */
function fill(path: string): string {
  const fd = openSync(path, 'w');
  try {
    for (const size of [256 * 1024, 4096, 512]) {
      const chunk = Buffer.alloc(size, 1);
      for (;;) {
        try {
          writeSync(fd, chunk);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOSPC') {
            break;
          }
          throw err;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return path;
}

it('SQLite on a full disk: 507 with Retry-After naming the cause, one log line naming the file, not ready; writes resume within seconds of space being freed, nothing acknowledged lost', async () => {
  if (!mounted) {
    console.warn(`disk-full.test.ts: skipped, ${why}`);
    return;
  }
  const data = join(dir, 'data');
  proc = await spawnBackend(data, { MAHAVISHNU_LOG_LEVEL: 'warn' });
  const logs = new LogWatch(proc.child);
  const file = join(data, 'mahavishnu.sqlite');
  expect((await postEvents(proc.url, [{ event_id: 'before', event_type: 'job_ok', source: 'a', message: 'x' }])).status).toBe(202);

  const filler = fill(join(dir, 'filler'));
  // Events until the store cannot take them: its WAL must grow, and the disk has no room.
  const load = new IngestLoad(proc.url, { clients: 4, batch: 50, prefix: 'full', pauseMs: 20 });
  load.start();
  try {
    await when('a refusal', () => load.answers.some((a) => a.status !== 202), 30_000);
    const refusal = load.answers.find((a) => a.status !== 202)!;
    expect(refusal).toMatchObject({ status: 507, retryAfter: '2', code: 'storage_full' });
    expect(refusal.message).toBe('storage full: database or disk is full (SQLITE_FULL); retry once space is freed');
    const notReady = await fetch(`${proc.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(notReady.headers.get('retry-after')).toBe('2');
    expect(((await notReady.json()) as { error: { code: string } }).error.code).toBe('storage_full');
    // It stays full a while: refused at once, and not said again in the log.
    await new Promise((r) => setTimeout(r, 1500));
    const full = load.answers.filter((a) => a.at >= refusal.at);
    expect(full.every((a) => a.status === 507 && a.retryAfter === '2')).toBe(true);
    const lines = logs.matching(/^storage full: /);
    expect(lines.map((l) => l.msg)).toEqual([`storage full: ${file}: database or disk is full (SQLITE_FULL); writes fail until space is freed`]);
    expect(logs.matching(/cannot rollback|request failed/)).toEqual([]);

    unlinkSync(filler);
    const freed = Date.now();
    const accepted = await when('a 202 after space was freed', () => load.since(freed).some((a) => a.status === 202), 10_000);
    const ready = await when('ready again', async () => (await statusOf(`${proc!.url}/readyz`)) === 200, 10_000);
    expect(logs.matching(/^store available again after \d+ ms$/)).toHaveLength(1);
    await load.stop();
    expect(load.answers.every((a) => a.status === 202 || (a.status === 507 && a.retryAfter === '2'))).toBe(true);

    // Everything acknowledged is in the file.
    const db = new Database(file, { readonly: true });
    try {
      const stored = new Set(db.prepare('select event_id from events').pluck().all() as string[]);
      expect([...load.acked, 'before'].filter((id) => !stored.has(id))).toEqual([]);
    } finally {
      db.close();
    }
    expect(proc.child.exitCode).toBeNull();
    console.info(`disk full: ${load.acked.size} events acknowledged, all stored; first 202 ${accepted - freed} ms and ready ${ready - freed} ms after space was freed`);
  } finally {
    await load.stop();
  }
}, 90_000);
