import type { RequestListener } from 'node:http';
import express, { type Request, type Response, type NextFunction } from 'express';
import type { Logger } from 'pino';
import { dashboardPages } from '../dashboard/pages';
import { answerFor, errorMiddleware } from './errors';
import { buildOpenApi } from './openapi';
import { authenticate, authorize, credentialOf, keepRawBody, rawBodyOf } from '../security/authenticate';
import { forwardToLeader, needsLeader } from '../cluster/forward';
import { observeRequest, withHotRoutes } from './hot-path';
import { accessOf, actorOf, isAudited, parseBody, parseQuery, type RouteDef } from './route';
import { eventRoutes } from './routes/events';
import { incidentRoutes } from './routes/incidents';
import { queryRoutes } from './routes/query';
import { ruleRoutes } from './routes/rules';
import { securityRoutes } from './routes/security';
import { systemRoutes } from './routes/system';
import type { Services } from './services';
import { NotFoundError, UnsupportedMediaTypeError } from '../util/errors';
import { OPEN_CALLER, type Caller } from '../security/caller';
import type { AuditRecord } from '../security/audit';

export const API_VERSION = '1.0.0';

const JSON_TYPES = ['application/json', 'application/*+json'];

/** The API's request listener: the intake routes' plain requests served ahead of express, the rest through it. */
export function createApi(s: Services, logger: Logger): RequestListener {
  const routes = apiRoutes(s);
  return withHotRoutes(routes, s, logger, createApp(s, logger, routes));
}

/** Every route of the contract, from the route tables. */
export function apiRoutes(s: Services): RouteDef[] {
  let doc: unknown;
  const routes: RouteDef[] = [];
  routes.push(...eventRoutes(s), ...incidentRoutes(s), ...ruleRoutes(s), ...queryRoutes(s), ...securityRoutes(s), ...systemRoutes(s, () => (doc ??= buildOpenApi(routes, API_VERSION))));
  return routes;
}

/** Builds the HTTP app: the routes mounted on express, then the dashboard pages and the error answers. */
export function createApp(s: Services, logger: Logger, routes = apiRoutes(s)): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // Answers are live data: an ETag would cost a hash of every body and save no request.
  app.set('etag', false);
  app.set('query parser', 'simple');
  // Routes that take their body's bytes unparsed get them first; express.json then leaves the request be.
  for (const r of routes.filter((x) => x.rawBody)) {
    app[r.method](r.path, express.raw({ limit: s.config.server.body_limit_bytes, type: JSON_TYPES, verify: (req, _res, buf) => keepRawBody(req as Request, buf) }));
  }
  app.use(
    express.json({
      limit: s.config.server.body_limit_bytes,
      strict: false,
      type: JSON_TYPES,
      // Kept for the Grafana webhook's signature, which is over the bytes as sent.
      verify: (req, _res, buf) => keepRawBody(req as Request, buf),
    })
  );

  for (const r of routes) {
    const access = accessOf(r);
    const audited = isAudited(r);
    const toLeader = s.cluster.shared && needsLeader(r.method, access);
    app[r.method](r.path, async (req: Request, res: Response) => {
      // A body that is not JSON would otherwise be read as none at all (an empty one is no body).
      const length = req.headers['content-length'];
      const hasBody = req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
      if (hasBody && !req.is(JSON_TYPES)) {
        throw new UnsupportedMediaTypeError(`body: send it as application/json, not ${req.get('content-type') ?? 'without a content type'}`);
      }
      if (toLeader && !s.cluster.leading) {
        // The leader authenticates, audits and answers it.
        await forwardToLeader(s.cluster, req, res, rawBodyOf(req));
        return;
      }
      observeRequest(s, r, res);
      let caller = OPEN_CALLER;
      // Written before the answer goes out, so whoever reads the answer finds the entry in the log.
      const audit = (status: number, detail: string | null): Promise<void> => (audited ? s.audit.record(auditRecord(r, req, caller, status, detail)) : Promise.resolve());
      let result: unknown;
      try {
        caller = authenticate(req, access, s.security, r.signed);
        authorize(caller, access);
        const body = r.method === 'get' || r.method === 'delete' ? undefined : parseBody(r.bodyInHandler || r.rawBody ? undefined : r.body, req.body);
        const query = parseQuery(r.query, req.query);
        // With keys, the person is who the key says (or Grafana's X-Grafana-User); a body cannot claim another.
        const actor = caller.role === null ? actorOf(req, req.body) : caller.actor;
        caller = { ...caller, actor };
        result = await r.handler({ req, res, body, query, params: req.params as Record<string, string>, actor, caller });
      } catch (err) {
        if (!res.headersSent) {
          const answer = answerFor(err);
          await audit(answer.status, answer.body.error.code);
        }
        throw err;
      }
      if (res.headersSent) {
        // The handler wrote its own answer (a stream, markdown, the events' direct 202).
        res.on('finish', () => void audit(res.statusCode, null));
        return;
      }
      const status = r.status ?? 200;
      await audit(status, null);
      if (result === undefined) {
        res.status(status).end();
      } else {
        res.status(status).json(result);
      }
    });
  }
  app.use(dashboardPages());
  app.use((req: Request, _res: Response, next: NextFunction) => next(new NotFoundError(`no route ${req.method} ${req.path}`)));
  app.use(errorMiddleware(logger));
  return app;
}

/** The audit entry of one call of a route: who, which route and target, and the answer's status. */
function auditRecord(r: RouteDef, req: Request, caller: Caller, status: number, detail: string | null): AuditRecord {
  const params = req.params as Record<string, string>;
  return {
    caller,
    method: r.method.toUpperCase(),
    route: r.path,
    path: req.path,
    target: [params.id, params.action_id].filter(Boolean).join('/') || null,
    status,
    // Which refusal: the counted entries of callers without a key are told apart by it.
    detail: status === 401 ? (credentialOf(req) ? 'unauthorized: unknown or revoked key' : 'unauthorized: no key') : detail,
    remoteAddr: req.socket.remoteAddress ?? null,
    userAgent: req.get('user-agent') ?? null,
  };
}
