import { isOutboundRefused } from '../../../security/outbound';
import { OutboundTimeoutError } from '../../../util/http-client';

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_INVALID_ARG: 'invalid request',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate not trusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS certificate not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate not trusted',
  CERT_HAS_EXPIRED: 'TLS certificate expired',
};

// undici's own timeouts can fire a moment before the client's abort signal does.
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

// The error's code, or its cause's (undici wraps some). Not `instanceof Error`: errors raised by
// node's internals can come from another realm (jest's sandbox, for one).
function codeOf(err: unknown): string | undefined {
  let e = err;
  for (let depth = 0; typeof e === 'object' && e !== null && depth < 5; depth++) {
    const { code, cause } = e as { code?: unknown; cause?: unknown };
    if (typeof code === 'string') return code;
    e = cause;
  }
  return undefined;
}

/**
 * One short reason for a failed exchange. Built from error codes only, never from messages: those
 * can hold the URL, and a URL can hold a token. The one exception is the outbound guard's refusal,
 * whose message is ours and names only the host and the address it refused.
 */
export function describeFailure(err: unknown, timeoutSeconds: number): string {
  if (isOutboundRefused(err)) return err.message;
  const code = codeOf(err);
  if (err instanceof OutboundTimeoutError || (code !== undefined && TIMEOUT_CODES.has(code))) {
    return `timed out after ${timeoutSeconds}s`;
  }
  if (code === undefined) return 'request failed';
  return REASONS[code] ?? (/^[A-Z0-9_]{1,40}$/.test(code) ? `request failed (${code})` : 'request failed');
}
