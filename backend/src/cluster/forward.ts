import type { Request, Response } from 'express';
import { UnavailableError } from '../util/errors';
import type { Leadership } from './leadership';

/** Set on a request one replica passes to the leader; a replica never passes such a request on again. */
export const FORWARDED_BY = 'x-mahavishnu-forwarded-by';
/** On an answer: the replica that made it. */
export const SERVED_BY = 'x-mahavishnu-served-by';

/** Headers that belong to one connection, not to the request (RFC 9110, 7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'host', 'content-length']);
const ANSWER_HEADERS = ['content-type', 'retry-after', 'location', 'cache-control', 'idempotency-key'];
const TIMEOUT_MS = 30_000;

/**
 * Passes a request that needs the engine (a response to an incident, a rule or key change) to the
 * replica that leads it, with its headers (the key: the leader authenticates and audits it) and its
 * bytes, and relays the answer. 503 with Retry-After while no replica leads or the leader is moving.
 */
export async function forwardToLeader(leadership: Leadership, req: Request, res: Response, body: Buffer | undefined): Promise<void> {
  if (req.get(FORWARDED_BY)) {
    throw new UnavailableError('the engine is moving to another replica; retry', 1);
  }
  const leader = leadership.leader() ?? (await leadership.lookupLeader());
  if (!leader?.address || leader.replicaId === leadership.replicaId) {
    throw new UnavailableError('no replica leads the engine right now (an election is under way); retry', 1);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) {
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
  }
  headers[FORWARDED_BY] = leadership.replicaId;
  let answer: globalThis.Response;
  try {
    answer = await fetch(new URL(req.originalUrl, leader.address), {
      method: req.method,
      headers,
      body: body && body.length > 0 ? body : undefined,
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch {
    throw new UnavailableError(`the replica that leads the engine (${leader.replicaId}) did not answer; retry`, 1);
  }
  const bytes = Buffer.from(await answer.arrayBuffer());
  res.status(answer.status);
  for (const name of ANSWER_HEADERS) {
    const value = answer.headers.get(name);
    if (value !== null) {
      res.setHeader(name, value);
    }
  }
  res.setHeader(SERVED_BY, answer.headers.get(SERVED_BY) ?? leader.replicaId);
  res.end(bytes);
}

/** Whether a route's request must run on the leader: changes that go through the engine, rules or keys. */
export function needsLeader(method: string, access: string): boolean {
  return method !== 'get' && (access === 'respond' || access === 'admin');
}
