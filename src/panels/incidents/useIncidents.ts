import { useCallback, useEffect, useState } from 'react';
import { useClient } from '../../api/context';
import { errorMessage } from '../../api/errors';
import type { Incident, IncidentFilters } from './types';

export interface IncidentsState {
  incidents: Incident[];
  /** True until the answer to the current filters (and refresh) has arrived. */
  loading: boolean;
  error?: string;
  /** Reads the list again, after an action changed it. */
  reload: () => void;
}

/**
 * The incidents of `filters`, read again whenever the filters or `refreshKey` change (the panel
 * passes the dashboard's time range, which a refresh renews) and on `reload()`. On an error the
 * last list stays, with the error beside it.
 */
export function useIncidents(filters: IncidentFilters, refreshKey: unknown): IncidentsState {
  const api = useClient();
  const [reloads, setReloads] = useState(0);
  const [answer, setAnswer] = useState<{ request?: string; incidents: Incident[]; error?: string }>({ incidents: [] });
  // Filters arrive as a new object on every render: compare them by value.
  const filtersKey = JSON.stringify(filters);
  const request = `${filtersKey}#${String(refreshKey)}#${reloads}`;

  useEffect(() => {
    let current = true;
    api.listIncidents(JSON.parse(filtersKey)).then(
      (incidents) => current && setAnswer({ request, incidents }),
      (err: unknown) =>
        current && setAnswer((last) => ({ request, incidents: last.incidents, error: errorMessage(err) }))
    );
    return () => {
      current = false;
    };
  }, [api, filtersKey, request]);

  const reload = useCallback(() => setReloads((n) => n + 1), []);
  return { incidents: answer.incidents, error: answer.error, loading: answer.request !== request, reload };
}
