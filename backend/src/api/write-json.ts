import type { ServerResponse } from 'node:http';

/**
 * Writes a JSON answer with node's own calls: the same status, type and bytes as express's
 * `res.status(n).json(body)`, without its per-answer content-type parsing and ETag hashing.
 */
export function writeJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}
