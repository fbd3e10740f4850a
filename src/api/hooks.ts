import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Incident, Stats, TimelineEntry } from '@mahavishnu/wire/incidents';
import type { DetectionRule } from '@mahavishnu/wire/rules';
import { withoutEmpty, type IncidentDetail, type IncidentFilter, type IncidentsApi } from './client';
import { useClient } from './context';

/** What a page shows of one request: the last answer (kept while reloading), the last error, and whether a request is out. */
export interface Loadable<T> {
  data?: T;
  error?: Error;
  loading: boolean;
  /** Asks again, e.g. after a change. */
  reload: () => void;
}

/**
 * Runs `fetcher` against the page's client whenever `fetcher` changes (give it a stable identity with
 * `useCallback`) or `reload` is called; an answer that arrives after a newer request started is dropped.
 */
export function useApi<T>(fetcher: (api: IncidentsApi) => Promise<T>): Loadable<T> {
  const api = useClient();
  const [generation, setGeneration] = useState(0);
  const request = useMemo(() => ({ generation, run: () => fetcher(api) }), [api, fetcher, generation]);
  const [settled, setSettled] = useState<{ request: typeof request; data?: T; error?: Error }>();

  useEffect(() => {
    let current = true;
    request.run().then(
      (data) => current && setSettled({ request, data }),
      (error: unknown) => current && setSettled((prev) => ({ request, data: prev?.data, error: asError(error) }))
    );
    return () => {
      current = false;
    };
  }, [request]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data: settled?.data, error: settled?.error, loading: settled?.request !== request, reload };
}

/** Incidents matching `filters`, newest first. */
export function useIncidents(filters: IncidentFilter): Loadable<Incident[]> {
  const { status, severity, type, component, since, limit } = filters;
  const fetcher = useCallback(
    (api: IncidentsApi) => api.listIncidents(withoutEmpty({ status, severity, type, component, since, limit })),
    [status, severity, type, component, since, limit]
  );
  return useApi(fetcher);
}

/** One incident with its timeline, actions and (draft) post-mortem. */
export function useIncident(id: string): Loadable<IncidentDetail> {
  const fetcher = useCallback((api: IncidentsApi) => api.getIncident(id, ['timeline', 'actions', 'postmortem']), [id]);
  return useApi(fetcher);
}

/** Totals and averages over the incidents detected since `since` (`24h`, `7d`, a time), or all. */
export function useStats(since?: string): Loadable<Stats> {
  const fetcher = useCallback((api: IncidentsApi) => api.stats(since), [since]);
  return useApi(fetcher);
}

/** Every detection rule, built-in and custom. */
export function useRules(): Loadable<DetectionRule[]> {
  return useApi(listRules);
}

const listRules = (api: IncidentsApi) => api.listRules();

/** A lifecycle entry of the recent-activity feed, with the incident it belongs to. */
export interface ActivityEntry extends TimelineEntry {
  incident: Incident;
}

/**
 * The latest lifecycle entries (detected, acknowledged, actions run, ...) of the given incidents: one timeline
 * request per incident, so only the first `maxIncidents` are asked. Asks again when `incidents` is a new answer.
 */
export function useRecentActivity(
  incidents: Incident[] | undefined,
  maxIncidents = 10,
  maxEntries = 10
): Loadable<ActivityEntry[]> {
  const fetcher = useCallback(
    async (api: IncidentsApi): Promise<ActivityEntry[]> => {
      const chosen = (incidents ?? []).slice(0, maxIncidents);
      const timelines = await Promise.all(chosen.map((incident) => api.timeline(incident.incident_id)));
      return timelines
        .flatMap((entries, i) =>
          entries.filter((e) => e.kind === 'lifecycle').map((e) => ({ ...e, incident: chosen[i] }))
        )
        .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))
        .slice(0, maxEntries);
    },
    [incidents, maxIncidents, maxEntries]
  );
  return useApi(fetcher);
}

/** Calls `reload` every `ms` while the page is open, for pages that watch live data. */
export function useAutoReload(reload: () => void, ms: number): void {
  useEffect(() => {
    const timer = setInterval(reload, ms);
    return () => clearInterval(timer);
  }, [reload, ms]);
}

/** A change made through the client: whether it is under way, and its error until the next attempt. */
export interface Mutation<A extends unknown[], R> {
  /** Resolves with the answer, or with `undefined` when the call failed (the error is in `error`). */
  run: (...args: A) => Promise<R | undefined>;
  pending: boolean;
  error?: Error;
  /** The answer of the last call that succeeded. */
  result?: R;
}

/** Wraps one client call for a button: `onDone` hears each success (to reload the page's data). */
export function useMutation<A extends unknown[], R>(
  call: (api: IncidentsApi, ...args: A) => Promise<R>,
  onDone?: (result: R) => void
): Mutation<A, R> {
  const api = useClient();
  const [state, setState] = useState<{ pending: boolean; error?: Error; result?: R }>({ pending: false });
  const run = useCallback(
    async (...args: A) => {
      setState({ pending: true });
      try {
        const result = await call(api, ...args);
        setState({ pending: false, result });
        onDone?.(result);
        return result;
      } catch (err) {
        setState({ pending: false, error: asError(err) });
        return undefined;
      }
    },
    [api, call, onDone]
  );
  return { run, ...state };
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
