import { request, type Dispatcher } from 'undici';
import type { OutboundGuard } from '../security/outbound';

/** One outbound HTTP request, as channels and the http executor make them. */
export interface OutboundRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** The whole exchange (connect, send, read the answer) must finish within this. */
  timeoutMs: number;
}

/** What came back; the body is read up to a limit so a large answer cannot fill memory. */
export interface OutboundResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * The backend's only way out to the network. Injected everywhere it is used so tests can watch it
 * and so one place checks where requests go: `createHttpClient` connects only through an
 * OutboundGuard.
 */
export interface HttpClient {
  send(req: OutboundRequest): Promise<OutboundResponse>;
}

/** Raised when an exchange did not finish within its timeout. */
export class OutboundTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'OutboundTimeoutError';
  }
}

const MAX_BODY = 64 * 1024;

/** An HttpClient that owns connections, released by `close`. */
export interface ClosableHttpClient extends HttpClient {
  close(): Promise<void>;
}

/**
 * The HttpClient over undici, every connection checked by `outbound` (see OutboundGuard).
 *
 * Redirects are not followed: a 3xx is an answer like any other (a failure for channels and
 * actions). That is also what keeps a redirect from leading the backend to an address the guard
 * would refuse; if redirects are ever followed, each hop must go through the same dispatcher.
 */
export function createHttpClient(opts: { outbound: OutboundGuard }): ClosableHttpClient {
  const dispatcher = opts.outbound.dispatcher();
  return {
    send: (req) => send(dispatcher, req),
    close: () => dispatcher.close(),
  };
}

async function send(dispatcher: Dispatcher, req: OutboundRequest): Promise<OutboundResponse> {
  const signal = AbortSignal.timeout(req.timeoutMs);
  try {
    const res = await request(req.url, {
      dispatcher,
      method: req.method as 'POST',
      headers: req.headers,
      body: req.body,
      signal,
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
    });
    let body = '';
    for await (const chunk of res.body) {
      if (body.length < MAX_BODY) {
        body += (chunk as Buffer).toString('utf8');
      }
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) {
      if (v !== undefined) {
        headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
      }
    }
    return { status: res.statusCode, headers, body: body.slice(0, MAX_BODY) };
  } catch (err) {
    if (signal.aborted) {
      throw new OutboundTimeoutError(req.timeoutMs);
    }
    throw err;
  }
}
