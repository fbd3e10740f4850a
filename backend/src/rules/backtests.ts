import { join } from 'node:path';
import type { DetectionRule } from '../schema/rules';
import { HttpError, UnavailableError, type FieldProblem } from '../util/errors';
import { PoolError, WorkerJobError, WorkerPool } from '../util/worker-pool';
import type { BacktestJob, BacktestOutcome } from './backtest-request';

/** A backtest that ran over `detection.backtest_timeout_seconds`: too large to run here. */
export class BacktestTooLargeError extends HttpError {
  constructor(seconds: number) {
    super(
      413,
      'backtest_too_large',
      `the backtest ran longer than ${seconds} s (detection.backtest_timeout_seconds) and was stopped: test fewer events, or a rule with a shorter window`
    );
  }
}

/** Runs backtests; the engine's event loop never does. */
export interface Backtester {
  /** Parses the request's `body` (its bytes as sent) and replays its events through the rule. */
  run(ruleId: string, rule: DetectionRule | null, body: Uint8Array, opts: BacktestJob['opts']): Promise<BacktestOutcome>;
  close(): Promise<void>;
}

export interface BacktestLimits {
  /** Most backtests running at once, each on a worker thread. */
  workers: number;
  /** Most backtests waiting for a worker; past that 503 with Retry-After. */
  queue: number;
  timeoutSeconds: number;
}

/** The worker's module beside this one: `.ts` when run from source (tests), `.js` when built. */
const WORKER_FILE = join(__dirname, `backtest-worker${__filename.endsWith('.ts') ? '.ts' : '.js'}`);

/**
 * Backtests (`POST /api/v1/rules/{id}/test`) on a few worker threads: a caller may send 100,000 events,
 * which would hold the event loop (ingest, /healthz, every stream) for seconds (reliability.md, item 23).
 */
export class WorkerBacktester implements Backtester {
  private readonly pool: WorkerPool<BacktestJob, BacktestOutcome>;

  constructor(private readonly limits: BacktestLimits) {
    this.pool = new WorkerPool({ file: WORKER_FILE, size: limits.workers, queue: limits.queue, timeoutMs: limits.timeoutSeconds * 1000 });
  }

  /** Backtests running now. */
  get running(): number {
    return this.pool.running;
  }

  async run(ruleId: string, rule: DetectionRule | null, body: Uint8Array, opts: BacktestJob['opts']): Promise<BacktestOutcome> {
    // Moved to the worker, not copied (a body may be 10 MB or more); a body that shares its memory with others is copied first.
    const own = body.buffer instanceof ArrayBuffer && body.byteOffset === 0 && body.byteLength === body.buffer.byteLength ? body.buffer : null;
    const buffer = own ?? new Uint8Array(body).buffer;
    try {
      return await this.pool.run({ ruleId, rule, body: new Uint8Array(buffer), opts }, [buffer]);
    } catch (err) {
      throw this.answer(err);
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  /** How a refused or failed backtest is answered. */
  private answer(err: unknown): Error {
    if (err instanceof WorkerJobError) {
      const t = err.thrown;
      // The tester's typed errors (a 400 naming `events[i]`) keep their status; anything else is a bug.
      return t.status !== undefined && t.code !== undefined ? new HttpError(t.status, t.code, t.message, t.details as FieldProblem[] | undefined) : new Error(`backtest failed: ${t.name}: ${t.message}`);
    }
    if (!(err instanceof PoolError)) {
      return err as Error;
    }
    const r = err.refusal;
    switch (r.kind) {
      case 'busy':
        return new UnavailableError(`${this.limits.workers + this.limits.queue} backtests are running or waiting (detection.backtest_workers, detection.backtest_queue); retry later`, r.retryAfterSeconds);
      case 'timeout':
        return new BacktestTooLargeError(r.seconds);
      case 'crashed':
        return new Error(`the backtest's worker failed: ${r.message}`);
      case 'closed':
        return new UnavailableError('the backend is shutting down', 1);
    }
  }
}
