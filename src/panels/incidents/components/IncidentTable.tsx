import React, { type ReactNode } from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, dateTimeFormatTimeAgo, type GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import { COLUMN_LABELS } from '../options';
import type { Column, Incident } from '../types';
import { SeverityBadge } from '../../../components/common/Badges';

const CELLS: Record<Column, (i: Incident) => ReactNode> = {
  // The panel writes severities as the dashboards' filters and variables do: the value itself.
  severity: (i) => <SeverityBadge severity={i.severity} text={i.severity} />,
  title: (i) => i.title,
  status: (i) => i.status,
  type: (i) => i.incident_type,
  components: (i) => i.affected_components.join(', '),
  assignee: (i) => i.assigned_to ?? '',
  detected: (i) => <span title={dateTimeFormat(i.detected_at)}>{dateTimeFormatTimeAgo(i.detected_at)}</span>,
  id: (i) => i.incident_id,
};

interface Props {
  incidents: Incident[];
  columns: Column[];
  /** The actions cell of a row, or nothing when the panel hides action buttons. */
  actions?: (incident: Incident) => ReactNode;
}

/** The wide view: a row per incident with the chosen columns, then the action buttons. */
export function IncidentTable({ incidents, columns, actions }: Props) {
  const s = useStyles2(getStyles);
  return (
    <table className={s.table}>
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c}>{COLUMN_LABELS[c]}</th>
          ))}
          {actions && <th aria-label="Actions" />}
        </tr>
      </thead>
      <tbody>
        {incidents.map((incident) => (
          <tr key={incident.incident_id}>
            {columns.map((c) => (
              <td key={c}>{CELLS[c](incident)}</td>
            ))}
            {actions && <td className={s.actions}>{actions(incident)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    'th, td': {
      padding: theme.spacing(0.5, 1),
      textAlign: 'left',
      borderBottom: `1px solid ${theme.colors.border.weak}`,
      verticalAlign: 'middle',
    },
    th: { color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightMedium },
  }),
  actions: css({ width: '1%', whiteSpace: 'nowrap' }),
});
