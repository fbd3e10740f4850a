import React, { type ReactNode } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Badge, useStyles2 } from '@grafana/ui';
import type { Incident } from '@mahavishnu/wire/incidents';
import { testIds } from '../testIds';
import { formatSeconds } from '../common/format';

interface Props {
  /** The active incidents. */
  active: Incident[];
  /** Incidents resolved since local midnight, when known. */
  resolvedToday?: number;
  /** Average time to resolve over the metrics' period, in seconds. */
  avgMttr?: number | null;
}

/** The overview panel: system health, active incidents, resolved today, average MTTR. */
export function OverviewStats({ active, resolvedToday, avgMttr }: Props) {
  const s = useStyles2(getStyles);
  const critical = active.filter((i) => i.severity === 'critical').length;
  return (
    <div className={s.grid} data-testid={testIds.overview.stats}>
      <Stat label="System health">
        {critical === 0 ? (
          <Badge text="OK" color="green" icon="check" />
        ) : (
          <Badge text={`${critical} critical`} color="red" icon="exclamation-triangle" />
        )}
      </Stat>
      <Stat label="Active incidents">{active.length}</Stat>
      <Stat label="Resolved today">{resolvedToday ?? '–'}</Stat>
      <Stat label="Avg MTTR (24h)">{formatSeconds(avgMttr)}</Stat>
    </div>
  );
}

/** How many incidents were resolved at or after `since` (epoch ms). */
export function countResolvedSince(incidents: Incident[], since: number): number {
  return incidents.filter((i) => i.resolved_at !== null && Date.parse(i.resolved_at) >= since).length;
}

function Stat({ label, children }: { label: string; children: ReactNode }) {
  const s = useStyles2(getStyles);
  return (
    <div className={s.stat} role="group" aria-label={label}>
      <div className={s.label}>{label}</div>
      <div className={s.value}>{children}</div>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  grid: css`
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(180px, 1fr));
    gap: ${theme.spacing(2)};
    margin-bottom: ${theme.spacing(3)};
  `,
  stat: css`
    padding: ${theme.spacing(2)};
    background: ${theme.colors.background.secondary};
    border: 1px solid ${theme.colors.border.weak};
    border-radius: ${theme.shape.radius.default};
  `,
  label: css`
    color: ${theme.colors.text.secondary};
    margin-bottom: ${theme.spacing(1)};
  `,
  value: css`
    font-size: ${theme.typography.h2.fontSize};
  `,
});
