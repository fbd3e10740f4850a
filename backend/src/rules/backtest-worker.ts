import { parentPort } from 'node:worker_threads';
import type { DetectionRule } from '../schema/rules';
import { retryWithoutConversionKeys } from '../schema/safe-parse';
import { HttpError } from '../util/errors';
import type { WorkerAnswer } from '../util/worker-pool';
import { testRule } from './rule-tester';

/** One backtest as the pool hands it to a worker thread. */
export interface BacktestJob {
  rule: DetectionRule;
  events: unknown[];
  opts: { retentionSeconds: number; maxEvents: number; now: number };
}

// A worker thread of the backtest pool (rules/backtests.ts): runs `testRule` off the event loop.
parentPort?.on('message', ({ id, input }: { id: number; input: BacktestJob }) => {
  let answer: WorkerAnswer<unknown>;
  try {
    // The tester validates the events itself (naming `events[i]`); see retryWithoutConversionKeys.
    const result = retryWithoutConversionKeys(input.events, (events) => testRule(input.rule, events as unknown[], input.opts));
    answer = { id, ok: true, result };
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
