import { HttpError } from '../util/errors';
import {
  annotationsQuery,
  componentsQuery,
  eventsQuery,
  incidentsQuery,
  rulesQuery,
  statsQuery,
  timelineQuery,
  timeseriesQuery,
  variablesQuery,
} from './queries';
import type { DsFrame, DsQuery, DsQueryRequest, DsQueryResponse, DsResult, TimeRange } from './schema';
import type { QuerySource } from './source';

/** Answers one validated query with its frames. */
export function runQuery(src: QuerySource, range: TimeRange, q: DsQuery): Promise<DsFrame[]> {
  switch (q.queryType) {
    case 'incidents':
      return incidentsQuery(src, range, q);
    case 'stats':
      return statsQuery(src, range, q);
    case 'timeseries':
      return timeseriesQuery(src, range, q);
    case 'events':
      return eventsQuery(src, range, q);
    case 'timeline':
      return timelineQuery(src, range, q);
    case 'rules':
      return rulesQuery(src, range, q);
    case 'components':
      return componentsQuery(src, range, q);
    case 'annotations':
      return annotationsQuery(src, range, q);
    case 'variables':
      return variablesQuery(src, range, q);
  }
}

/**
 * Answers every query of a request, each on its own refId, in the order asked.
 *
 * Errors, the choice made: a request that does not validate (unknown `queryType`, a timeline
 * without `incident_id`, a bad range) is refused whole with a 400 naming the field, before any
 * query runs: that is a bug of the caller, not a state of the data. A query that validates but
 * meets an error the API names while it runs (an HttpError: a timeline of an unknown incident is a
 * 404) answers only its own refId with `{error, status, frames: []}`, as Grafana's backend data
 * responses do, and the other queries still answer; so one stale panel does not blank a dashboard.
 * Anything else is a bug and fails the request (500).
 */
export async function runQueries(src: QuerySource, req: DsQueryRequest): Promise<DsQueryResponse> {
  const answers = await Promise.all(req.queries.map((q) => answer(src, req.range, q)));
  return { results: Object.fromEntries(req.queries.map((q, k) => [q.refId, answers[k]])) };
}

async function answer(src: QuerySource, range: TimeRange, q: DsQuery): Promise<DsResult> {
  try {
    return { frames: await runQuery(src, range, q) };
  } catch (err) {
    if (err instanceof HttpError && err.status < 500) {
      return { error: err.message, status: err.status, frames: [] };
    }
    throw err;
  }
}
