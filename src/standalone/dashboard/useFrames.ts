import { useEffect, useState } from 'react';
import { CoreApp, type DataFrame, type TimeRange } from '@grafana/data';
import { lastValueFrom } from 'rxjs';
import type { IncidentsQuery } from '../../datasources/incidents/types';
import { createIncidentsDataSource } from './incidentsDataSource';
import type { PanelTarget } from './dashboardModel';

export interface FramesState {
  frames?: DataFrame[];
  error?: string;
}

let requestCounter = 0;

/** Runs a panel's queries on the Mahavishnu datasource, again whenever `range` changes. */
export function useFrames(targets: PanelTarget[], range: TimeRange): FramesState {
  const [state, setState] = useState<FramesState>({});
  const uid = targets[0]?.datasource?.uid ?? 'mahavishnu-incidents';
  const key = JSON.stringify(targets);
  useEffect(() => {
    let live = true;
    const ds = createIncidentsDataSource(uid);
    const intervalMs = Math.max(60_000, Math.round((range.to.valueOf() - range.from.valueOf()) / 50));
    lastValueFrom(
      ds.query({
        app: CoreApp.Dashboard,
        requestId: `standalone-${++requestCounter}`,
        range,
        targets: JSON.parse(key) as IncidentsQuery[],
        interval: `${intervalMs / 1000}s`,
        intervalMs,
        maxDataPoints: 500,
        scopedVars: {},
        timezone: 'browser',
        startTime: Date.now(),
      })
    ).then(
      (response) => {
        if (live) {
          setState({ frames: response.data as DataFrame[], error: response.errors?.[0]?.message });
        }
      },
      (err: unknown) => {
        if (live) {
          setState({ error: (err as { message?: string })?.message ?? String(err) });
        }
      }
    );
    return () => {
      live = false;
    };
  }, [uid, key, range]);
  return state;
}
