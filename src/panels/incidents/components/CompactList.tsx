import React, { type ReactNode } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import type { Incident } from '../types';
import { SeverityBadge } from '../../../components/common/Badges';

interface Props {
  incidents: Incident[];
  /** The one menu button of a row, or nothing when the panel hides action buttons. */
  actions?: (incident: Incident) => ReactNode;
}

/** The narrow view, for a small tile: severity, title and one menu button per incident. */
export function CompactList({ incidents, actions }: Props) {
  const s = useStyles2(getStyles);
  return (
    <ul className={s.list} aria-label="Incidents">
      {incidents.map((incident) => (
        <li key={incident.incident_id} className={s.row}>
          <SeverityBadge severity={incident.severity} text={incident.severity} />
          <span className={s.title} title={incident.title}>
            {incident.title}
          </span>
          {actions?.(incident)}
        </li>
      ))}
    </ul>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  list: css({ listStyle: 'none', margin: 0, padding: 0 }),
  row: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    padding: theme.spacing(0.5, 0),
    borderBottom: `1px solid ${theme.colors.border.weak}`,
  }),
  title: css({ flex: 1, minWidth: 0, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }),
});
