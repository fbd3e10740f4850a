import { useCallback } from 'react';
import type { IncidentFilter } from '../../api/client';
import { useAutoReload, useIncidents, useRecentActivity, useStats } from '../../api/hooks';
import { useNow } from '../common/useNow';
import { countResolvedSince } from './OverviewStats';

const ACTIVE: IncidentFilter = { status: 'active', limit: 1000 };
/** "Resolved today" is counted among the incidents detected in the last week. */
const LAST_WEEK: IncidentFilter = { since: '7d', limit: 1000 };
/** The period of the metrics, as "Incident Metrics (Last 24h)" shows it. */
export const METRICS_SINCE = '24h';
const REFRESH_MS = 30_000;

/** Everything the overview shows, asked again every 30 seconds. */
export function useOverview() {
  const active = useIncidents(ACTIVE);
  const lastWeek = useIncidents(LAST_WEEK);
  const stats = useStats(METRICS_SINCE);
  const activity = useRecentActivity(active.data);
  const now = useNow(REFRESH_MS);

  const { reload: reloadActive } = active;
  const { reload: reloadLastWeek } = lastWeek;
  const { reload: reloadStats } = stats;
  const reload = useCallback(() => {
    reloadActive();
    reloadLastWeek();
    reloadStats();
  }, [reloadActive, reloadLastWeek, reloadStats]);
  useAutoReload(reload, REFRESH_MS);

  const midnight = new Date(now).setHours(0, 0, 0, 0);
  const resolvedToday = lastWeek.data ? countResolvedSince(lastWeek.data, midnight) : undefined;
  return { active, stats, activity, resolvedToday, reload };
}
