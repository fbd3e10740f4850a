import { parentPort } from 'node:worker_threads';
import { HttpError } from '../util/errors';
import type { WorkerAnswer } from '../util/worker-pool';
import { runBacktest, type BacktestJob, type BacktestOutcome } from './backtest-request';

// A worker thread of the backtest pool (rules/backtests.ts): parses and runs backtests off the event loop.
parentPort?.on('message', ({ id, input }: { id: number; input: BacktestJob }) => {
  let answer: WorkerAnswer<BacktestOutcome>;
  try {
    answer = { id, ok: true, result: runBacktest(input) };
  } catch (err) {
    const e = err as Error;
    answer = {
      id,
      ok: false,
      error: err instanceof HttpError ? { name: e.name, message: e.message, status: err.status, code: err.code, details: err.details } : { name: e?.name ?? 'Error', message: String(e?.message ?? err) },
    };
  }
  parentPort!.postMessage(answer);
});
