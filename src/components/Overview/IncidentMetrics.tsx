import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import type { Stats } from '@mahavishnu/wire/incidents';
import { testIds } from '../testIds';
import { SeverityBadge } from '../common/Badges';
import { formatSeconds } from '../common/format';
import { SEVERITIES } from '../common/vocabulary';

/** The metrics: totals by severity, average MTTD and MTTR, auto-resolved against resolved by hand. */
export function IncidentMetrics({ stats }: { stats: Stats }) {
  const s = useStyles2(getStyles);
  return (
    <table className={s.table} data-testid={testIds.overview.metrics}>
      <tbody>
        <tr>
          <th scope="row">Total incidents</th>
          <td>{stats.total_incidents}</td>
        </tr>
        {SEVERITIES.map((severity) => (
          <tr key={severity}>
            <th scope="row" className={s.indent}>
              <SeverityBadge severity={severity} />
            </th>
            <td>{stats.by_severity[severity] ?? 0}</td>
          </tr>
        ))}
        <tr>
          <th scope="row">MTTD (avg)</th>
          <td>{formatSeconds(stats.avg_mttd)}</td>
        </tr>
        <tr>
          <th scope="row">MTTR (avg)</th>
          <td>{formatSeconds(stats.avg_mttr)}</td>
        </tr>
        <tr>
          <th scope="row">Auto-resolved</th>
          <td>{stats.auto_resolved}</td>
        </tr>
        <tr>
          <th scope="row">Manual resolution</th>
          <td>{stats.manual_resolved}</td>
        </tr>
      </tbody>
    </table>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: css`
    width: 100%;
    max-width: 360px;
    th,
    td {
      padding: ${theme.spacing(0.5, 1)};
      border-bottom: 1px solid ${theme.colors.border.weak};
    }
    th {
      font-weight: ${theme.typography.fontWeightRegular};
      text-align: left;
    }
    td {
      text-align: right;
      font-variant-numeric: tabular-nums;
    }
  `,
  indent: css`
    padding-left: ${theme.spacing(3)} !important;
  `,
});
