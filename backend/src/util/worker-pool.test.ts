import { join } from 'node:path';
import { PoolError, WorkerJobError, WorkerPool } from './worker-pool';

type In = { echo?: string; spinMs?: number; fail?: string; fn?: () => void };
type Out = { echo: string; thread: number };

const FILE = join(__dirname, '../../test/fixtures/pool-worker.js');
const pools: Array<WorkerPool<In, Out>> = [];
const pool = (size: number, queue: number, timeoutMs = 10_000) => {
  const p = new WorkerPool<In, Out>({ file: FILE, size, queue, timeoutMs });
  pools.push(p);
  return p;
};

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe('WorkerPool', () => {
  it('runs jobs on worker threads and keeps the workers for the next ones', async () => {
    const p = pool(1, 0);
    const a = await p.run({ echo: 'a' });
    const b = await p.run({ echo: 'b' });
    expect([a.echo, b.echo]).toEqual(['a', 'b']);
    expect(a.thread).toBeGreaterThan(0);
    expect(b.thread).toBe(a.thread);
  });

  it('runs at most `size` jobs, queues `queue` more, and refuses the rest as busy with a time to retry', async () => {
    const p = pool(1, 1);
    const running = p.run({ echo: 'first', spinMs: 300 });
    const queued = p.run({ echo: 'second' });
    const refused = await p.run({ echo: 'third' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PoolError);
    expect((refused as PoolError).refusal).toMatchObject({ kind: 'busy', retryAfterSeconds: expect.any(Number) });
    expect(p.running).toBe(1);
    expect((await running).echo).toBe('first');
    expect((await queued).echo).toBe('second');
  });

  it('ends a worker that runs over its time; the next job gets a new one', async () => {
    const p = pool(1, 1, 100);
    const first = await p.run({ echo: 'slow', spinMs: 5_000 }).catch((e: unknown) => e);
    expect((first as PoolError).refusal).toEqual({ kind: 'timeout', seconds: 0.1 });
    expect(p.running).toBe(0);
    expect((await p.run({ echo: 'next' })).echo).toBe('next');
  });

  it('passes on what a job threw, with its status and code', async () => {
    const err = await pool(1, 0).run({ fail: 'no such field' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkerJobError);
    expect((err as WorkerJobError).thrown).toMatchObject({ message: 'no such field', status: 400, code: 'bad' });
  });

  it('refuses an input it cannot send and goes on with the next job', async () => {
    const p = pool(1, 0);
    await expect(p.run({ fn: () => undefined })).rejects.toThrow(/could not be cloned/);
    expect((await p.run({ echo: 'after' })).echo).toBe('after');
  });

  it('refuses jobs once closed', async () => {
    const p = pool(1, 0);
    await p.close();
    await expect(p.run({ echo: 'late' })).rejects.toMatchObject({ refusal: { kind: 'closed' } });
  });
});
