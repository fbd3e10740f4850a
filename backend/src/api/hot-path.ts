import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { SERVED_BY } from '../cluster/forward';
import { authenticate, authorize, keepRawBody } from '../security/authenticate';
import { sendError } from './errors';
import { accessOf, actorOf, type RouteDef } from './route';
import type { Services } from './services';

/** Content types a plain request carries (express.json takes these and more; the rest goes to it). */
const PLAIN_TYPES = new Set(['application/json', 'application/json; charset=utf-8', 'application/json;charset=utf-8']);

/**
 * Serves the intake routes (`hot` in their definition) ahead of express: on one event per request,
 * express's router, request decoration and body parser cost about a quarter of the backend's CPU.
 * A plain request (a POST to the exact path, JSON by its content type, a length within the limit,
 * no content encoding) is read, parsed, authenticated and handed to the route's own handler here,
 * with the checks, answers and errors express would give; anything else goes to express unchanged.
 */
export function withHotRoutes(routes: RouteDef[], s: Services, logger: Logger, app: RequestListener): RequestListener {
  const hot = new Map(routes.filter((r) => r.hot && r.method === 'post').map((r) => [r.path, r]));
  const limit = s.config.server.body_limit_bytes;
  return (req, res) => {
    const r = req.method === 'POST' && req.url !== undefined ? hot.get(req.url) : undefined;
    const length = r === undefined ? 0 : plainLength(req, limit);
    if (r === undefined || length === 0) {
      app(req, res);
      return;
    }
    void serve(r, s, logger, req, res, length);
  };
}

/** The body's length when the request is plain, else 0 (no length, chunked, encoded, another type, over the limit). */
function plainLength(req: IncomingMessage, limit: number): number {
  const h = req.headers;
  const type = h['content-type'];
  const encoding = h['content-encoding'];
  if (type === undefined || !PLAIN_TYPES.has(type.toLowerCase()) || h['transfer-encoding'] !== undefined) {
    return 0;
  }
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    return 0;
  }
  const length = Number(h['content-length']);
  return length > 0 && length <= limit ? length : 0;
}

async function serve(r: RouteDef, s: Services, logger: Logger, req: IncomingMessage, res: ServerResponse, length: number): Promise<void> {
  observeRequest(s, r, res);
  try {
    const raw = await readBody(req, length);
    keepRawBody(req, raw);
    const body = parseJson(raw);
    const access = accessOf(r);
    const caller = authenticate(req, access, s.security, r.signed);
    authorize(caller, access);
    (req as IncomingMessage & { body?: unknown }).body = body;
    const actor = caller.role === null ? actorOf(req, body) : caller.actor;
    await r.handler({ req: req as Request, res: res as Response, body: undefined, query: undefined, params: {}, actor, caller: { ...caller, actor } });
  } catch (err) {
    sendError(err, req, res, logger, r.path);
  }
}

/** What every served request gets, here and through express: the replica's name and the duration metric. */
export function observeRequest(s: Services, r: RouteDef, res: ServerResponse): void {
  if (s.cluster.shared) {
    res.setHeader(SERVED_BY, s.cluster.replicaId);
  }
  const started = process.hrtime.bigint();
  res.on('finish', () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    s.metrics.httpDuration.observe({ method: r.method.toUpperCase(), route: r.path, status: `${Math.floor(res.statusCode / 100)}xx` }, seconds);
  });
}

/** The body's bytes; one shorter than its declared length, or cut off, is a 400, as express.json answers it. */
function readBody(req: IncomingMessage, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (received !== length) {
        reject(Object.assign(new Error('request size did not match content length'), { status: 400, type: 'request.size.invalid' }));
        return;
      }
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received));
    });
    const aborted = () => reject(Object.assign(new Error('request aborted'), { status: 400, type: 'request.aborted' }));
    req.on('error', aborted);
    req.on('close', () => {
      if (!req.complete) {
        aborted();
      }
    });
  });
}

/** JSON as express.json reads it (`strict: false`, a UTF-8 byte order mark dropped); a syntax error is its 400. */
function parseJson(raw: Buffer): unknown {
  const start = raw.length >= 3 && raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf ? 3 : 0;
  try {
    return JSON.parse(raw.toString('utf8', start));
  } catch (err) {
    throw Object.assign(new SyntaxError((err as Error).message), { status: 400, type: 'entity.parse.failed' });
  }
}
