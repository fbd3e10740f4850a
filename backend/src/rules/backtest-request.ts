import { RuleTestRequestSchema, type DetectionRule, type RuleTestResult } from '../schema/rules';
import { retryWithoutConversionKeys, safeParseInput } from '../schema/safe-parse';
import { HttpError, NotFoundError, ValidationError } from '../util/errors';
import { testRule } from './rule-tester';

/** One backtest as the pool hands it to a worker thread: the request's body as sent, unparsed. */
export interface BacktestJob {
  ruleId: string;
  /** Null when no rule has this id: a 404, once the body was found valid (the body's 400 comes first). */
  rule: DetectionRule | null;
  body: Uint8Array;
  opts: { retentionSeconds: number; maxEvents: number; now: number };
}

/** What a backtest answers; and the events, when the request asked to store them too (`dry_run: false`). */
export interface BacktestOutcome {
  result: RuleTestResult;
  store?: unknown[];
}

/** The request's body as `POST /api/v1/rules/{id}/test` takes it (the same checks and 400s as express.json and the route's schema). */
export function parseTestRequest(bytes: Uint8Array): { events: unknown[]; dry_run: boolean } {
  const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8', start);
  let raw: unknown = {};
  if (text.trim() !== '') {
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new HttpError(400, 'invalid_json', `body: not valid JSON (${(err as Error).message})`, [{ field: 'body', message: 'not valid JSON' }]);
    }
  }
  const r = safeParseInput(RuleTestRequestSchema, raw);
  if (!r.success) {
    throw ValidationError.fromZod(r.error, 'body');
  }
  return r.data;
}

/** Runs one backtest: parses the body, then replays its events through the rule. */
export function runBacktest(job: BacktestJob): BacktestOutcome {
  const request = parseTestRequest(job.body);
  if (!job.rule) {
    throw new NotFoundError(`rule ${job.ruleId} not found`);
  }
  const rule = job.rule;
  // The tester validates the events itself (naming `events[i]`); see retryWithoutConversionKeys.
  const result = retryWithoutConversionKeys(request.events, (events) => testRule(rule, events as unknown[], job.opts));
  return request.dry_run ? { result } : { result, store: request.events };
}
