import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { IncidentFilter } from '../../api/client';

/** The dashboard filters, each kept in the query string under its own name (`?severity=critical&status=active`). */
export const FILTER_KEYS = ['severity', 'status', 'component', 'since', 'type'] as const;

export type ListFilters = Pick<IncidentFilter, (typeof FILTER_KEYS)[number]>;

/**
 * The incident list's filters as the page's URL holds them, so a filtered view can be shared; setting them
 * rewrites those parameters and leaves any other parameter alone.
 */
export function useIncidentFilters(): [ListFilters, (next: ListFilters) => void] {
  const [params, setParams] = useSearchParams();
  const query = params.toString();
  const filters = useMemo(() => readFilters(new URLSearchParams(query)), [query]);
  const setFilters = useCallback(
    (next: ListFilters) => setParams((prev) => writeFilters(prev, next), { replace: true }),
    [setParams]
  );
  return [filters, setFilters];
}

function readFilters(params: URLSearchParams): ListFilters {
  const filters: ListFilters = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key)?.trim();
    if (value) {
      filters[key] = value;
    }
  }
  return filters;
}

function writeFilters(prev: URLSearchParams, next: ListFilters): URLSearchParams {
  const params = new URLSearchParams(prev);
  for (const key of FILTER_KEYS) {
    const value = next[key]?.trim();
    if (value) {
      params.set(key, value);
    } else {
      params.delete(key);
    }
  }
  return params;
}
