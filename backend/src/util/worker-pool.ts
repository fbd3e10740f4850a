import { Worker, type TransferListItem } from 'node:worker_threads';

/** What a pool's worker answers for one job: its result, or the error it threw, as plain data. */
export type WorkerAnswer<R> = { id: number; ok: true; result: R } | { id: number; ok: false; error: { name: string; message: string; status?: number; code?: string; details?: unknown } };

/** Why a job did not run to its end in the pool. */
export type PoolRefusal = { kind: 'busy'; retryAfterSeconds: number } | { kind: 'timeout'; seconds: number } | { kind: 'crashed'; message: string } | { kind: 'closed' };

/** A job the pool refused or gave up on (busy, over its time, its worker died, the pool closed). */
export class PoolError extends Error {
  constructor(readonly refusal: PoolRefusal) {
    super(`worker pool: ${refusal.kind}`);
    this.name = 'PoolError';
  }
}

/** An error a job threw inside its worker, with what it carried (an HTTP status, a code, details). */
export class WorkerJobError extends Error {
  constructor(readonly thrown: Extract<WorkerAnswer<unknown>, { ok: false }>['error']) {
    super(thrown.message);
    this.name = 'WorkerJobError';
  }
}

export interface WorkerPoolOptions {
  /** The worker's module (a `.js` file; a `.ts` one is compiled as it loads, for tests run from source). */
  file: string;
  /** Most jobs running at once (one worker each). */
  size: number;
  /** Most jobs waiting for a worker; past that a job is refused at once as busy. */
  queue: number;
  /** How long one job may run before its worker is ended. */
  timeoutMs: number;
}

interface Job<I, R> {
  input: I;
  transfer: TransferListItem[];
  resolve: (r: R) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  busy: boolean;
}

/**
 * A few worker threads for CPU work that a caller can ask for in any size (a backtest over 100,000
 * events), so the event loop keeps serving while it runs. Concurrency is bounded by `size`, waiting by
 * `queue`; a job over `timeoutMs` has its worker terminated (the next job gets a fresh one). Workers
 * start on first use and are kept; idle ones do not hold the process open.
 */
export class WorkerPool<I, R> {
  private readonly slots: Slot[] = [];
  private readonly waiting: Array<Job<I, R>> = [];
  private nextId = 1;
  private closed = false;
  /** Recent run times, for the Retry-After of a refusal. */
  private meanMs = 1000;

  constructor(private readonly opts: WorkerPoolOptions) {}

  /** Jobs running now. */
  get running(): number {
    return this.slots.filter((s) => s.busy).length;
  }

  /**
   * Runs `input` in a worker (moving what `transfer` lists rather than copying it); rejects with
   * PoolError when refused or given up, WorkerJobError when the job threw.
   */
  run(input: I, transfer: TransferListItem[] = []): Promise<R> {
    if (this.closed) {
      return Promise.reject(new PoolError({ kind: 'closed' }));
    }
    return new Promise<R>((resolve, reject) => {
      const job = { input, transfer, resolve, reject };
      const slot = this.freeSlot();
      if (slot) {
        this.start(slot, job);
      } else if (this.waiting.length < this.opts.queue) {
        this.waiting.push(job);
      } else {
        // Every worker busy and the queue full: about one run's time until a place frees up.
        const retryAfterSeconds = Math.max(1, Math.ceil(((this.waiting.length / this.opts.size + 1) * this.meanMs) / 1000));
        reject(new PoolError({ kind: 'busy', retryAfterSeconds }));
      }
    });
  }

  /** Ends every worker; waiting and running jobs are refused. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.waiting.splice(0)) {
      job.reject(new PoolError({ kind: 'closed' }));
    }
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }

  private freeSlot(): Slot | undefined {
    const idle = this.slots.find((s) => !s.busy);
    if (idle) {
      return idle;
    }
    if (this.slots.length < this.opts.size) {
      const slot = { worker: spawnWorker(this.opts.file), busy: false };
      slot.worker.unref();
      this.slots.push(slot);
      return slot;
    }
    return undefined;
  }

  private start(slot: Slot, job: Job<I, R>): void {
    const id = this.nextId++;
    const started = performance.now();
    slot.busy = true;
    slot.worker.ref();
    const finish = (settle: () => void, keep: boolean) => {
      clearTimeout(timer);
      slot.worker.off('message', onMessage);
      slot.worker.off('error', onError);
      slot.worker.off('exit', onExit);
      if (keep) {
        slot.busy = false;
        slot.worker.unref();
      } else {
        this.drop(slot);
      }
      this.meanMs = 0.8 * this.meanMs + 0.2 * (performance.now() - started);
      settle();
      this.next();
    };
    const onMessage = (answer: WorkerAnswer<R>) => {
      if (answer.id === id) {
        finish(() => (answer.ok ? job.resolve(answer.result) : job.reject(new WorkerJobError(answer.error))), true);
      }
    };
    const onError = (err: Error) => finish(() => job.reject(new PoolError({ kind: 'crashed', message: err.message })), false);
    const onExit = (code: number) => finish(() => job.reject(new PoolError({ kind: 'crashed', message: `the worker exited with code ${code}` })), false);
    const timer = setTimeout(() => {
      finish(() => job.reject(new PoolError({ kind: 'timeout', seconds: this.opts.timeoutMs / 1000 })), false);
    }, this.opts.timeoutMs);
    slot.worker.on('message', onMessage);
    slot.worker.once('error', onError);
    slot.worker.once('exit', onExit);
    try {
      slot.worker.postMessage({ id, input: job.input }, job.transfer);
    } catch (err) {
      // The input could not be sent (something in it cannot be cloned or moved): the worker is fine.
      finish(() => job.reject(err as Error), true);
    }
  }

  /** A worker that ran over its time or died is ended and forgotten; the next job gets a new one. */
  private drop(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) {
      this.slots.splice(i, 1);
    }
    void slot.worker.terminate();
  }

  private next(): void {
    while (!this.closed && this.waiting.length > 0) {
      const slot = this.freeSlot();
      if (!slot) {
        return;
      }
      this.start(slot, this.waiting.shift()!);
    }
  }
}

/**
 * A worker on `file`. From source (tests run the TypeScript as it is), the worker compiles each `.ts`
 * module as it is required, with the same compiler the tests use; a build runs the compiled `.js`.
 */
function spawnWorker(file: string): Worker {
  if (!file.endsWith('.ts')) {
    return new Worker(file);
  }
  const boot = `
    const { readFileSync } = require('node:fs');
    const fromFile = require('node:module').createRequire(${JSON.stringify(file)});
    const { transformSync } = fromFile('@swc/core');
    fromFile.extensions['.ts'] = (module, filename) => {
      const { code } = transformSync(readFileSync(filename, 'utf8'), {
        filename,
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
      });
      module._compile(code, filename);
    };
    fromFile(${JSON.stringify(file)});
  `;
  return new Worker(boot, { eval: true });
}
