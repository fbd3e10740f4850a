import { isOutboundRefused } from '../../security/outbound';
import { OutboundTimeoutError, type OutboundResponse } from '../../util/http-client';
import type { DeliveryResult } from '../channel';
import { bodyExcerpt, connectionProblem, messageOf, safeReason } from './reason';
import { truncate } from './text';

export { safeReason } from './reason';

/** How `classifyHttp` reads an answer; every field has a default that suits a plain JSON webhook. */
export interface ClassifyHttpOptions {
  /** A 2xx is only a success when this agrees (Slack answers 200 with an error body). */
  isSuccess?: (res: OutboundResponse) => boolean;
  /** Statuses below 500 worth retrying; every 5xx is retried regardless. */
  retryStatuses?: readonly number[];
  /** Removed from the quoted answer, in case the receiver echoes them back. */
  secrets?: readonly string[];
  /** Milliseconds since the epoch, to turn a Retry-After date into a delay. */
  now?: number;
}

/** 408 Request Timeout and 429 Too Many Requests say "try again later"; other 4xx say "this will never work". */
export const DEFAULT_RETRY_STATUSES: readonly number[] = [408, 429];

/** A broken receiver must not park a message for longer than this, whatever its Retry-After says. */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * Reads a Retry-After header, either delay-seconds or an HTTP date, as milliseconds from `now`;
 * undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  let ms: number;
  if (/^\d+$/.test(text)) {
    ms = Number(text) * 1000;
  } else if (/[a-z]/i.test(text)) {
    // Only a value with a day or month name is a date; Date.parse would also take "1.5" as one.
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    ms = at - now;
  } else {
    return undefined;
  }
  return Math.min(Math.max(0, ms), MAX_RETRY_AFTER_MS);
}

/** "HTTP 400: invalid_payload", quoting at most 200 characters of the answer and none of the secrets. */
function httpReason(res: OutboundResponse, secrets: readonly string[]): string {
  const excerpt = bodyExcerpt(res.body, secrets);
  return excerpt === '' ? `HTTP ${res.status}` : `HTTP ${res.status}: ${excerpt}`;
}

/**
 * What an HTTP answer means for a delivery: 2xx (that `isSuccess` accepts) is sent; 5xx and the
 * retry statuses are retried, after Retry-After when given; everything else (other 4xx, 3xx since
 * redirects are not followed, a 2xx `isSuccess` rejects) is final.
 */
export function classifyHttp(res: OutboundResponse, opts: ClassifyHttpOptions = {}): DeliveryResult {
  const { status } = res;
  const secrets = opts.secrets ?? [];
  if (status >= 200 && status < 300) {
    if (opts.isSuccess === undefined || opts.isSuccess(res)) return { outcome: 'sent', status };
    return { outcome: 'failed', reason: httpReason(res, secrets), status };
  }
  const retryStatuses = opts.retryStatuses ?? DEFAULT_RETRY_STATUSES;
  if (status >= 500 || retryStatuses.includes(status)) {
    const retryAfterMs = parseRetryAfter(res.headers['retry-after'], opts.now ?? Date.now());
    const result: DeliveryResult = { outcome: 'retry', reason: httpReason(res, secrets), status };
    return retryAfterMs === undefined ? result : { ...result, retryAfterMs };
  }
  return { outcome: 'failed', reason: httpReason(res, secrets), status };
}

/**
 * What a thrown request means: worth retrying (the receiver may come back), with a short reason for
 * timeouts and connection failures and a scrubbed message for anything else; except a connection
 * the outbound guard refused, which is final (the address will not become allowed by waiting).
 */
export function classifyError(err: unknown, secrets: readonly string[]): DeliveryResult {
  if (isOutboundRefused(err)) return { outcome: 'failed', reason: safeReason(err.message, secrets) };
  if (err instanceof OutboundTimeoutError) {
    return { outcome: 'retry', reason: `timed out after ${err.timeoutMs} ms` };
  }
  const problem = connectionProblem(err);
  if (problem !== undefined) return { outcome: 'retry', reason: problem };
  return { outcome: 'retry', reason: `request failed: ${truncate(safeReason(messageOf(err), secrets), 200)}` };
}
