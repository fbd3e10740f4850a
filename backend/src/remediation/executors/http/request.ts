import { renderJson, renderTemplate, type JsonValue } from '../template';
import type { ActionContext } from '../../executor';
import type { HttpExecutorConfig } from './config';

/** One rendered request: what a run sends and what a plan shows. */
export interface RenderedRequest {
  method: HttpExecutorConfig['method'];
  url: string;
  headers: Record<string, string>;
  /** The body as sent (object bodies serialised). */
  body: string | undefined;
  /** The body as configured after rendering: an object stays an object, for plans. */
  renderedBody: JsonValue | undefined;
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((h) => h.toLowerCase() === name);
}

/** Renders URL (values URL-encoded), header values and body from the context. */
export function renderRequest(cfg: HttpExecutorConfig, ctx: ActionContext): RenderedRequest {
  const url = renderTemplate(cfg.url, ctx, encodeURIComponent);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(cfg.headers)) {
    // The run's own key wins: a configured one would defeat deduplication across retries.
    if (name.toLowerCase() !== 'idempotency-key') headers[name] = renderTemplate(value, ctx);
  }
  headers['Idempotency-Key'] = ctx.idempotency_key;

  if (cfg.body === undefined) return { method: cfg.method, url, headers, body: undefined, renderedBody: undefined };
  if (typeof cfg.body === 'string') {
    const body = renderTemplate(cfg.body, ctx);
    return { method: cfg.method, url, headers, body, renderedBody: body };
  }
  const renderedBody = renderJson(cfg.body, ctx);
  if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/json';
  return { method: cfg.method, url, headers, body: JSON.stringify(renderedBody), renderedBody };
}

/**
 * Why a rendered request cannot be sent, or null. Params are free text: a header value with a line
 * break, or a URL broken by an odd value, is refused here rather than handed to the client.
 */
export function requestProblem(req: RenderedRequest): string | null {
  try {
    const { protocol } = new URL(req.url);
    if (protocol !== 'http:' && protocol !== 'https:') return 'rendered URL is not http(s)';
  } catch {
    return 'rendered URL is not valid';
  }
  for (const [name, value] of Object.entries(req.headers)) {
    if (/[\r\n\0]/.test(value)) return `header ${name} holds a line break or NUL after rendering`;
  }
  return null;
}
