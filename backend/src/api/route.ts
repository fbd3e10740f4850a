import type { IncomingMessage } from 'node:http';
import type { Request, Response } from 'express';
import { headerOf } from '../security/authenticate';
import type { z } from 'zod';
import type { Caller } from '../security/caller';
import type { Sender } from '../security/rate-limit';
import type { Access } from '../security/roles';
import { safeParseInput } from '../schema/safe-parse';
import { ValidationError } from '../util/errors';

/** What a handler gets: the request, with its body and query already validated. */
export interface Ctx<B, Q> {
  req: Request;
  res: Response;
  body: B;
  query: Q;
  params: Record<string, string>;
  /**
   * Who acts. With keys configured: `X-Grafana-User` or the key's name. Without keys: the body's
   * `actor`/`by`, else the `X-Grafana-User` header, else null.
   */
  actor: string | null;
  /** The authenticated caller (role null when no keys are configured). */
  caller: Caller;
}

/** A route declared as data: the app mounts it and the OpenAPI document describes it. */
export interface RouteDef<B = unknown, Q = unknown> {
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  summary: string;
  tag: string;
  body?: z.ZodType<B>;
  /** The handler validates the body itself (batches name the failing element); `body` only documents it. */
  bodyInHandler?: boolean;
  /**
   * The handler gets the body's bytes (a Buffer in `req.body`), unparsed: it passes them to a worker
   * thread that parses them (a backtest's 100,000 events), so the event loop does not. Implies
   * `bodyInHandler`.
   */
  rawBody?: boolean;
  query?: z.ZodType<Q>;
  response?: z.ZodType;
  /** Status of a successful answer (200 unless said). */
  status?: number;
  /** Other than JSON: the handler writes the answer itself. */
  produces?: 'text/markdown' | 'text/event-stream' | 'text/plain';
  /** Statuses besides success and 400 that the route can answer, for the document. */
  errors?: number[];
  /** Who may call it (default: `read` for GET, `respond` for the rest); see security/roles.ts. */
  access?: Access;
  /** Grafana's webhook: its HMAC signature, when configured, lets it in instead of a key. */
  signed?: 'grafana';
  /**
   * Carries the load (intake): a plain request is served ahead of express (hot-path.ts). Its handler
   * reads only `req.body` and the headers and answers with node's response calls.
   */
  hot?: boolean;
  handler: (ctx: Ctx<B, Q>) => Promise<unknown> | unknown;
}

/** Declares a route with its types inferred from its schemas. */
export function route<B = undefined, Q = undefined>(def: RouteDef<B, Q>): RouteDef {
  return def as unknown as RouteDef;
}

export function parseBody<T>(schema: z.ZodType<T> | undefined, body: unknown): T {
  if (!schema) {
    return undefined as T;
  }
  const r = safeParseInput(schema, body ?? {});
  if (!r.success) {
    throw ValidationError.fromZod(r.error, 'body');
  }
  return r.data;
}

export function parseQuery<T>(schema: z.ZodType<T> | undefined, query: unknown): T {
  if (!schema) {
    return undefined as T;
  }
  const r = safeParseInput(schema, query ?? {});
  if (!r.success) {
    throw ValidationError.fromZod(r.error, 'query');
  }
  return r.data;
}

export function actorOf(req: IncomingMessage, body: unknown): string | null {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const named = b.actor ?? b.by;
    if (typeof named === 'string' && named) {
      return named;
    }
  }
  // The person asking comes before the approver they name.
  const user = headerOf(req, 'x-grafana-user');
  if (user) {
    return user;
  }
  const approver = body && typeof body === 'object' ? (body as Record<string, unknown>).approved_by : undefined;
  return typeof approver === 'string' && approver ? approver : null;
}

/** Who sends a request's events, for the intake's rate limits: its key, else its address. */
export function senderOf(req: IncomingMessage, caller: Caller): Sender {
  return { key: caller.keyName, address: req.socket.remoteAddress ?? null };
}

/** What a route needs when it does not say. */
export function accessOf(r: RouteDef): Access {
  return r.access ?? (r.method === 'get' ? 'read' : 'respond');
}

/** Whether the audit log records calls of this route: every mutation but event intake. */
export function isAudited(r: RouteDef): boolean {
  const access = accessOf(r);
  return r.method !== 'get' && access !== 'ingest' && access !== 'public';
}
