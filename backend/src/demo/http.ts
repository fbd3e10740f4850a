import type http from 'node:http';

const MAX_BODY = 64 * 1024;

/** A request the service refuses with 400. */
export class BadRequest extends Error {}

/** Answers JSON, unless the answer was sent already or the client went away. */
export function send(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** The body as JSON (null when empty); 400 when it is not JSON or larger than 64 KB. */
export async function readJson(req: http.IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) {
    text += (chunk as Buffer).toString('utf8');
    if (text.length > MAX_BODY) throw new BadRequest('body too large');
  }
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    throw new BadRequest('body is not JSON');
  }
}
