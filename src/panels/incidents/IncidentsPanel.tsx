import React, { useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2, InterpolateFunction, PanelProps, TimeRange } from '@grafana/data';
import { Alert, LoadingPlaceholder, useStyles2 } from '@grafana/ui';
import { CompactList } from './components/CompactList';
import { IncidentActions } from './components/IncidentActions';
import { IncidentTable } from './components/IncidentTable';
import { SEVERITIES, type Incident, type IncidentFilters, type PanelOptions } from './types';
import { useIncidents } from './useIncidents';

/** Below this width (px) the panel is a small tile: severity, title and one menu button. */
export const COMPACT_WIDTH = 480;

/** At least this many incidents are read, so that sorting worst first does not miss an older critical one. */
const MIN_FETCH = 100;

/** Active incidents by severity, with the responder's buttons; reads the backend through the app's proxy. */
export function IncidentsPanel({ options, width, timeRange, replaceVariables }: PanelProps<PanelOptions>) {
  const s = useStyles2(getStyles);
  const { incidents, loading, error, reload } = useIncidents(
    toFilters(options, replaceVariables, timeRange),
    timeRange.to.valueOf()
  );
  const [notice, setNotice] = useState<{ severity: 'success' | 'error'; text: string }>();
  const compact = width < COMPACT_WIDTH;
  const shown = worstFirst(incidents).slice(0, options.maxRows);

  const actions = options.showActions
    ? (incident: Incident) => (
        <IncidentActions
          incident={incident}
          compact={compact}
          onChanged={(text) => {
            setNotice({ severity: 'success', text });
            reload();
          }}
          onError={(text) => setNotice({ severity: 'error', text })}
        />
      )
    : undefined;

  return (
    <div className={s.container}>
      {notice && <Alert severity={notice.severity} title={notice.text} onRemove={() => setNotice(undefined)} />}
      {error && <Alert severity="error" title={`Cannot read incidents: ${error}`} />}
      {loading && shown.length === 0 && <LoadingPlaceholder text="Loading incidents..." />}
      {!loading && !error && shown.length === 0 && (
        <p className={s.empty}>
          {options.status === 'active' ? 'No active incidents' : 'No incidents match the filters'}
        </p>
      )}
      {shown.length > 0 &&
        (compact ? (
          <CompactList incidents={shown} actions={actions} />
        ) : (
          <IncidentTable incidents={shown} columns={options.columns} actions={actions} />
        ))}
    </div>
  );
}

/** The list's filters from the options: variables resolved, and the time range unless listing active incidents. */
export function toFilters(
  options: PanelOptions,
  replaceVariables: InterpolateFunction,
  timeRange: TimeRange
): IncidentFilters {
  const active = options.status === 'active';
  return {
    status: options.status || undefined,
    severity: options.severity || undefined,
    component: replaceVariables(options.component ?? '', undefined, oneValue).trim() || undefined,
    since: active ? undefined : timeRange.from.toISOString(),
    limit: Math.max(options.maxRows, MIN_FETCH),
  };
}

/** The backend filters by one component: several values of a variable, or "All", mean no filter. */
function oneValue(value: unknown): string {
  return Array.isArray(value) ? (value.length === 1 ? String(value[0]) : '') : String(value ?? '');
}

/** Worst severity first; the backend's newest-first order within a severity. */
function worstFirst(incidents: Incident[]): Incident[] {
  const rank = (i: Incident) => SEVERITIES.indexOf(i.severity);
  return [...incidents].sort((a, b) => rank(a) - rank(b));
}

const getStyles = (theme: GrafanaTheme2) => ({
  container: css({ height: '100%', overflow: 'auto' }),
  empty: css({ color: theme.colors.text.secondary, padding: theme.spacing(1) }),
});
