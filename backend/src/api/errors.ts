import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { HttpError } from '../util/errors';

/** Turns every error into the contract's JSON shape; nothing but a bug is a 500, and a bug is logged. */
export function errorMiddleware(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const e = err as { type?: string; status?: number; message?: string; limit?: number };
    let status: number;
    let body: { error: { code: string; message: string; details?: unknown } };
    if (err instanceof HttpError) {
      status = err.status;
      body = { error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } };
    } else if (e?.type === 'entity.parse.failed') {
      status = 400;
      body = { error: { code: 'invalid_json', message: `body: not valid JSON (${e.message})`, details: [{ field: 'body', message: 'not valid JSON' }] } };
    } else if (e?.type === 'entity.too.large') {
      status = 413;
      body = { error: { code: 'payload_too_large', message: `body larger than the limit of ${e.limit} bytes` } };
    } else if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') {
      status = 415;
      body = { error: { code: 'unsupported_encoding', message: e.message ?? 'unsupported encoding' } };
    } else if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
      status = e.status;
      const message = e.message ?? 'bad request';
      // The router's undecodable path parameter (`%E0%A4%A`) or a body that could not be read (broken gzip).
      const field = err instanceof URIError ? 'path' : 'body';
      body = { error: { code: 'bad_request', message: `${field}: ${message}`, ...(status === 400 ? { details: [{ field, message }] } : {}) } };
    } else {
      status = 500;
      body = { error: { code: 'internal', message: 'internal error; see the backend log' } };
      logger.error({ err, method: req.method, route: req.route?.path }, 'request failed');
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    // For the audit log: why a mutation was refused.
    res.locals.errorCode = body.error.code;
    if (err instanceof HttpError && err.retryAfterSeconds !== undefined) {
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil(err.retryAfterSeconds))));
    }
    res.status(status).json(body);
  };
}
