import { runQueries } from '../../datasource/run';
import { DsQueryRequestSchema, DsQueryResponseSchema } from '../../datasource/schema';
import type { QuerySource } from '../../datasource/source';
import { route, type RouteDef } from '../route';
import type { Services } from '../services';

/** The services, seen through the narrow reading interface the datasource queries need. */
export function querySource(s: Services): QuerySource {
  return {
    listIncidents: (q) => s.incidents.list(q),
    stats: (since) => s.incidents.stats(since),
    listEvents: (q) => s.store.events.list(q),
    timeline: (id, f) => s.incidents.timeline(id, f),
    rules: () => s.rules.list(),
    now: () => s.clock.now(),
  };
}

/** The Grafana datasource's endpoint: queries in, data frames out, so that the plugin stays thin. */
export function queryRoutes(s: Services): RouteDef[] {
  const src = querySource(s);
  return [
    route({
      method: 'post',
      path: '/api/v1/query',
      access: 'read',
      tag: 'datasource',
      summary:
        'Grafana data frames for a time range: incidents, stats, timeseries, events, timeline, rules, components, annotations, variables. ' +
        'An invalid request is a 400; a query that fails while running (timeline of an unknown incident) answers {error, status, frames: []} on its refId only',
      body: DsQueryRequestSchema,
      response: DsQueryResponseSchema,
      handler: ({ body }) => runQueries(src, body),
    }),
  ];
}
