import { OutboundRefusedError } from '../../security/outbound';
import { OutboundTimeoutError, type OutboundResponse } from '../../util/http-client';
import { classifyError, classifyHttp, MAX_RETRY_AFTER_MS, parseRetryAfter, safeReason } from './http-result';

const NOW = Date.parse('2026-11-26T10:00:00Z');
const res = (status: number, body = '', headers: Record<string, string> = {}): OutboundResponse => ({
  status,
  body,
  headers,
});

describe('classifyHttp', () => {
  it.each([200, 201, 202, 204])('%i is sent', (status) => {
    expect(classifyHttp(res(status))).toEqual({ outcome: 'sent', status });
  });

  it('fails a 2xx that isSuccess rejects, quoting the body', () => {
    expect(classifyHttp(res(200, 'invalid_token'), { isSuccess: (r) => r.body === 'ok' })).toEqual({
      outcome: 'failed',
      reason: 'HTTP 200: invalid_token',
      status: 200,
    });
  });

  it('retries a 429 after Retry-After seconds', () => {
    expect(classifyHttp(res(429, 'rate_limited', { 'retry-after': '3' }), { now: NOW })).toEqual({
      outcome: 'retry',
      reason: 'HTTP 429: rate_limited',
      status: 429,
      retryAfterMs: 3000,
    });
  });

  it('retries a 429 after a Retry-After HTTP date', () => {
    const result = classifyHttp(res(429, '', { 'retry-after': 'Thu, 26 Nov 2026 10:01:30 GMT' }), { now: NOW });
    expect(result).toEqual({ outcome: 'retry', reason: 'HTTP 429', status: 429, retryAfterMs: 90_000 });
  });

  it.each([408, 429, 500, 502, 503, 504])('retries %i', (status) => {
    expect(classifyHttp(res(status))).toMatchObject({ outcome: 'retry', status });
  });

  it('honours Retry-After on a 503 too', () => {
    expect(classifyHttp(res(503, '', { 'retry-after': '7' }))).toMatchObject({ outcome: 'retry', retryAfterMs: 7000 });
  });

  it.each([400, 401, 403, 404, 410, 422, 301, 302])('fails %i for good', (status) => {
    expect(classifyHttp(res(status, 'nope'))).toEqual({ outcome: 'failed', reason: `HTTP ${status}: nope`, status });
  });

  it('takes other retry statuses when told', () => {
    expect(classifyHttp(res(409), { retryStatuses: [409] }).outcome).toBe('retry');
    expect(classifyHttp(res(429), { retryStatuses: [] }).outcome).toBe('failed');
  });

  it('quotes at most 200 characters of the answer, on one line, without secrets or URLs', () => {
    const body = `error\nfor key SECRETKEY123 at https://hooks.example/services/T0/B0/xyz ${'x'.repeat(500)}`;
    const { reason } = classifyHttp(res(400, body), { secrets: ['SECRETKEY123'] }) as { reason: string };
    expect(reason.startsWith('HTTP 400: error for key [redacted] at [url] xxx')).toBe(true);
    expect(reason.length).toBeLessThanOrEqual('HTTP 400: '.length + 200);
    expect(reason).not.toMatch(/SECRETKEY123|hooks\.example|\n/);
  });
});

describe('parseRetryAfter', () => {
  it.each([
    [undefined, undefined],
    ['0', 0],
    [' 12 ', 12_000],
    ['1.5', undefined],
    ['-3', undefined],
    ['soon', undefined],
    ['Thu, 26 Nov 2026 09:00:00 GMT', 0],
    ['99999999', MAX_RETRY_AFTER_MS],
  ])('%j -> %j', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });
});

describe('classifyError', () => {
  const withCode = (code: string, message = `connect ${code} 127.0.0.1:9`) =>
    Object.assign(new Error(message), { code });

  it('retries a timeout, naming the limit', () => {
    expect(classifyError(new OutboundTimeoutError(1000), [])).toEqual({
      outcome: 'retry',
      reason: 'timed out after 1000 ms',
    });
  });

  it.each([
    ['ECONNREFUSED', 'connection refused'],
    ['ECONNRESET', 'connection reset'],
    ['ENOTFOUND', 'host not found'],
    ['EAI_AGAIN', 'DNS lookup failed (temporary)'],
    ['ETIMEDOUT', 'connection timed out'],
    ['UND_ERR_SOCKET', 'connection closed by the receiver'],
    ['UND_ERR_HEADERS_TIMEOUT', 'timed out waiting for the answer'],
    ['UND_ERR_SOMETHING_NEW', 'connection error (UND_ERR_SOMETHING_NEW)'],
  ])('retries %s as "%s"', (code, reason) => {
    expect(classifyError(withCode(code), [])).toEqual({ outcome: 'retry', reason });
  });

  it('finds the code on a wrapped cause and inside an AggregateError', () => {
    expect(classifyError(new TypeError('fetch failed', { cause: withCode('ECONNREFUSED') }), [])).toEqual({
      outcome: 'retry',
      reason: 'connection refused',
    });
    expect(classifyError(new AggregateError([withCode('ECONNREFUSED')]), [])).toEqual({
      outcome: 'retry',
      reason: 'connection refused',
    });
  });

  it('retries anything else with a message that holds no secret and no URL', () => {
    const err = new Error('bad header for https://hooks.example/T0/B0/topsecret with key R0UTINGKEY');
    const result = classifyError(err, ['R0UTINGKEY', 'https://hooks.example/T0/B0/topsecret']);
    expect(result).toEqual({
      outcome: 'retry',
      reason: 'request failed: Error: bad header for [redacted] with key [redacted]',
    });
  });

  it('copes with things thrown that are not errors', () => {
    expect(classifyError('boom', [])).toEqual({ outcome: 'retry', reason: 'request failed: boom' });
    expect(classifyError(undefined, [])).toEqual({ outcome: 'retry', reason: 'request failed: unknown error' });
  });

  it('gives up at once when the outbound guard refused the address: waiting will not make it allowed', () => {
    expect(
      classifyError(new OutboundRefusedError('hooks.internal', '10.0.0.5', 'private'), [
        'https://hooks.internal/T0/B0/topsecret',
      ])
    ).toEqual({
      outcome: 'failed',
      reason:
        'refused to connect to hooks.internal at 10.0.0.5 (private): add the host or the address to security.outbound.allowlist to allow',
    });
  });
});

describe('safeReason', () => {
  it('strips every secret, in its encoded forms too, and every URL', () => {
    const secret = 'p@ss "word"/x';
    const text = `a ${secret} b ${encodeURIComponent(secret)} c ${JSON.stringify(secret)} d ftp://x.example/y`;
    expect(safeReason(text, [secret])).toBe('a [redacted] b [redacted] c "[redacted]" d [url]');
  });

  it('strips a webhook URL even when it comes back without its scheme or host', () => {
    const url = 'https://hooks.slack.com/services/T000/B000/XXXXXXXX';
    expect(safeReason('posting to hooks.slack.com/services/T000/B000/XXXXXXXX failed', [url])).toBe(
      'posting to [redacted] failed'
    );
    expect(safeReason('no route /services/T000/B000/XXXXXXXX', [url])).toBe('no route [redacted]');
  });

  it('removes a longer secret whole when it contains a shorter one', () => {
    expect(safeReason('key=abc123456', ['abc', 'abc123456'])).toBe('key=[redacted]');
  });

  it('ignores empty secrets', () => {
    expect(safeReason('fine', [''])).toBe('fine');
  });
});
