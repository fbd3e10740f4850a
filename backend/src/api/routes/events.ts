import type { Response } from 'express';
import { z } from 'zod';
import { toEventDto } from '../../incidents/dto';
import { AlertmanagerWebhookSchema, GrafanaWebhookSchema, parseAlertmanagerWebhook, parseGrafanaWebhook } from '../../ingest/webhooks';
import { EventListQuerySchema, IncidentEventInputSchema, IncidentEventSchema, IngestResultSchema, type IngestResult } from '../../schema/events';
import { headerOf } from '../../security/authenticate';
import { requireSince } from '../../util/time';
import { route, senderOf, type RouteDef } from '../route';
import { writeJson } from '../write-json';
import type { Services } from '../services';

/** Answers an intake request with 202 and its result, written directly (intake pays express's `res.json` on every request). */
async function accepted(res: Response, result: Promise<IngestResult>): Promise<undefined> {
  writeJson(res, 202, await result);
  return undefined;
}

/** Intake: the events API and the Alertmanager and Grafana webhooks. */
export function eventRoutes(s: Services): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/api/v1/events',
      tag: 'events',
      access: 'ingest',
      summary: 'Submit one event or a batch; answered 202 once durably stored',
      body: z.union([IncidentEventInputSchema, z.array(IncidentEventInputSchema)]) as z.ZodType<unknown>,
      response: IngestResultSchema,
      status: 202,
      bodyInHandler: true,
      errors: [401, 403, 413, 429, 503],
      hot: true,
      // Validated in the service, so that a batch's errors name the element and nothing is half stored.
      handler: ({ req, res, caller }) => accepted(res, s.ingest.ingestBody(req.body, senderOf(req, caller))),
    }),
    route({
      method: 'get',
      path: '/api/v1/events',
      tag: 'events',
      summary: 'List stored events, newest first',
      query: EventListQuerySchema,
      response: z.array(IncidentEventSchema),
      handler: async ({ query }) => {
        const since = query.since === undefined ? undefined : requireSince(query.since, s.clock.now(), 'query.since');
        const events = await s.store.events.list({ since, source: query.source, event_type: query.event_type, limit: query.limit });
        return events.map(toEventDto);
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/webhooks/alertmanager',
      tag: 'webhooks',
      access: 'ingest',
      summary: "Alertmanager's webhook (version 4): each alert becomes an event",
      body: AlertmanagerWebhookSchema as z.ZodType<unknown>,
      response: IngestResultSchema,
      status: 202,
      bodyInHandler: true,
      errors: [401, 403, 413, 429, 503],
      hot: true,
      handler: ({ req, res, caller }) => accepted(res, s.ingest.ingestMapped(parseAlertmanagerWebhook(req.body), 'alertmanager', senderOf(req, caller))),
    }),
    route({
      method: 'post',
      path: '/api/v1/webhooks/grafana',
      tag: 'webhooks',
      access: 'ingest',
      signed: 'grafana',
      summary: "Grafana Alerting's webhook contact point: each alert becomes an event",
      body: GrafanaWebhookSchema as z.ZodType<unknown>,
      response: IngestResultSchema,
      status: 202,
      bodyInHandler: true,
      errors: [401, 403, 413, 429, 503],
      hot: true,
      handler: ({ req, res, caller }) => {
        const take = () => s.ingest.ingestMapped(parseGrafanaWebhook(req.body), 'grafana', senderOf(req, caller));
        // A signed request is taken once: its signature is kept in the store for the tolerance.
        const verifier = s.security.grafanaWebhook;
        return accepted(res, verifier ? verifier.once((name) => headerOf(req, name), take) : take());
      },
    }),
  ];
}
