import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Text, TextLink, useStyles2 } from '@grafana/ui';
import type { ActivityEntry } from '../../api/hooks';
import { incidentUrl } from '../../constants';
import { testIds } from '../testIds';
import { SeverityBadge } from '../common/Badges';
import { formatTime } from '../common/format';

/** "Recent Activity": the latest lifecycle entries of the active incidents, newest first. */
export function RecentActivity({ entries }: { entries: ActivityEntry[] }) {
  const s = useStyles2(getStyles);
  if (entries.length === 0) {
    return <Text color="secondary">No recent activity.</Text>;
  }
  return (
    <ul className={s.list} data-testid={testIds.overview.activity}>
      {entries.map((e, i) => (
        <li key={`${e.incident.incident_id}-${e.at}-${i}`} className={s.item}>
          <span className={s.time}>{formatTime(e.at)}</span>
          <SeverityBadge severity={e.incident.severity} />
          <TextLink href={incidentUrl(e.incident.incident_id)}>{e.incident.incident_id}</TextLink>
          <span>
            {e.message}
            {e.actor ? ` (${e.actor})` : ''}
          </span>
        </li>
      ))}
    </ul>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  list: css`
    list-style: none;
    margin: 0;
    padding: 0;
  `,
  item: css`
    display: flex;
    align-items: center;
    gap: ${theme.spacing(1)};
    padding: ${theme.spacing(0.5, 0)};
    border-bottom: 1px solid ${theme.colors.border.weak};
  `,
  time: css`
    color: ${theme.colors.text.secondary};
    font-variant-numeric: tabular-nums;
  `,
});
