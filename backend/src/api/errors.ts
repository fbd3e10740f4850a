import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { HttpError } from '../util/errors';
import { writeJson } from './write-json';

/** An error as the contract answers it: its status and JSON body; `bug` when it is a 500. */
export interface ErrorAnswer {
  status: number;
  body: { error: { code: string; message: string; details?: unknown } };
  bug: boolean;
}

/** How an error is answered: typed errors by their status, the body parser's by theirs, anything else is a bug. */
export function answerFor(err: unknown): ErrorAnswer {
  const e = err as { type?: string; status?: number; message?: string; limit?: number };
  if (err instanceof HttpError) {
    return { status: err.status, body: { error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } }, bug: false };
  }
  if (e?.type === 'entity.parse.failed') {
    return { status: 400, body: { error: { code: 'invalid_json', message: `body: not valid JSON (${e.message})`, details: [{ field: 'body', message: 'not valid JSON' }] } }, bug: false };
  }
  if (e?.type === 'entity.too.large') {
    return { status: 413, body: { error: { code: 'payload_too_large', message: `body larger than the limit of ${e.limit} bytes` } }, bug: false };
  }
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') {
    return { status: 415, body: { error: { code: 'unsupported_encoding', message: e.message ?? 'unsupported encoding' } }, bug: false };
  }
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    const message = e.message ?? 'bad request';
    // The router's undecodable path parameter (`%E0%A4%A`) or a body that could not be read (broken gzip).
    const field = err instanceof URIError ? 'path' : 'body';
    return { status: e.status, body: { error: { code: 'bad_request', message: `${field}: ${message}`, ...(e.status === 400 ? { details: [{ field, message }] } : {}) } }, bug: false };
  }
  return { status: 500, body: { error: { code: 'internal', message: 'internal error; see the backend log' } }, bug: true };
}

/** Answers an error in the contract's JSON shape; nothing but a bug is a 500, and a bug is logged. */
export function sendError(err: unknown, req: IncomingMessage, res: ServerResponse, logger: Logger, route?: string): void {
  const { status, body, bug } = answerFor(err);
  if (bug) {
    logger.error({ err, method: req.method, route }, 'request failed');
  }
  if (res.headersSent) {
    res.end();
    return;
  }
  if (err instanceof HttpError && err.retryAfterSeconds !== undefined) {
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil(err.retryAfterSeconds))));
  }
  writeJson(res, status, body);
}

/** Express's last handler: every error a route or the body parser threw, answered by `sendError`. */
export function errorMiddleware(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => sendError(err, req, res, logger, req.route?.path);
}
