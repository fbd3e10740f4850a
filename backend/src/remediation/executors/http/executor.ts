import type { ActionContext, ExecutionResult, Executor } from '../../executor';
import type { ExecutorDeps } from '../definition';
import type { HttpExecutorConfig } from './config';
import { describeFailure } from './failure';
import { redactHeaders, redactUrl } from './redact';
import { renderRequest, requestProblem } from './request';

/** How much of the answer a run keeps: enough to read an error, not a whole page. */
export const HTTP_OUTPUT_LIMIT = 4096;

function truncate(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit);
  // Do not leave half a surrogate pair at the end.
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

function isExpected(status: number, expected: number[]): boolean {
  return expected.length === 0 ? status >= 200 && status <= 299 : expected.includes(status);
}

/** Calls one configured HTTP endpoint per run, through the backend's HttpClient. */
export function createHttpExecutor(cfg: HttpExecutorConfig, deps: ExecutorDeps): Executor {
  const expectedText = cfg.expected_status.length === 0 ? '2xx' : cfg.expected_status.join(' or ');

  return {
    kind: 'http',

    plan(ctx: ActionContext) {
      const req = renderRequest(cfg, ctx);
      return {
        method: req.method,
        url: redactUrl(req.url),
        headers: redactHeaders(req.headers),
        body: req.renderedBody,
      };
    },

    async run(ctx: ActionContext): Promise<ExecutionResult> {
      try {
        const req = renderRequest(cfg, ctx);
        const problem = requestProblem(req);
        if (problem) return { outcome: 'failed', detail: problem, output: '' };
        const res = await deps.http.send({
          method: req.method,
          url: req.url,
          headers: req.headers,
          body: req.body,
          timeoutMs: cfg.timeout_seconds * 1000,
        });
        const output = truncate(res.body, HTTP_OUTPUT_LIMIT);
        if (isExpected(res.status, cfg.expected_status)) {
          return { outcome: 'succeeded', detail: `HTTP ${res.status}`, output };
        }
        return { outcome: 'failed', detail: `HTTP ${res.status}, expected ${expectedText}`, output };
      } catch (err) {
        return { outcome: 'failed', detail: describeFailure(err, cfg.timeout_seconds), output: '' };
      }
    },
  };
}
