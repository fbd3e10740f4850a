import express, { type Request, type Response, type NextFunction } from 'express';
import type { Logger } from 'pino';
import { dashboardPages } from '../dashboard/pages';
import { errorMiddleware } from './errors';
import { buildOpenApi } from './openapi';
import { actorOf, parseBody, parseQuery, type RouteDef } from './route';
import { eventRoutes } from './routes/events';
import { incidentRoutes } from './routes/incidents';
import { queryRoutes } from './routes/query';
import { ruleRoutes } from './routes/rules';
import { systemRoutes } from './routes/system';
import type { Services } from './services';
import { NotFoundError } from '../util/errors';

export const API_VERSION = '1.0.0';

/** Builds the HTTP app: every route of the contract, mounted from the route tables. */
export function createApp(s: Services, logger: Logger): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(express.json({ limit: s.config.server.body_limit_bytes, strict: false, type: ['application/json', 'application/*+json'] }));

  let doc: unknown;
  const routes: RouteDef[] = [];
  routes.push(...eventRoutes(s), ...incidentRoutes(s), ...ruleRoutes(s), ...queryRoutes(s), ...systemRoutes(s, () => (doc ??= buildOpenApi(routes, API_VERSION))));

  for (const r of routes) {
    app[r.method](r.path, async (req: Request, res: Response) => {
      const started = process.hrtime.bigint();
      res.on('finish', () => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        s.metrics.httpDuration.observe({ method: r.method.toUpperCase(), route: r.path, status: `${Math.floor(res.statusCode / 100)}xx` }, seconds);
      });
      const body = r.method === 'get' || r.method === 'delete' ? undefined : parseBody(r.bodyInHandler ? undefined : r.body, req.body);
      const query = parseQuery(r.query, req.query);
      const result = await r.handler({ req, res, body, query, params: req.params as Record<string, string>, actor: actorOf(req, req.body) });
      if (result !== undefined && !res.headersSent) {
        res.status(r.status ?? 200).json(result);
      }
    });
  }
  app.use(dashboardPages());
  app.use((req: Request, _res: Response, next: NextFunction) => next(new NotFoundError(`no route ${req.method} ${req.path}`)));
  app.use(errorMiddleware(logger));
  return app;
}
