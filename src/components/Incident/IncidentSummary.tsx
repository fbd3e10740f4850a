import React, { type ReactNode } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Stack, Tag, Text, useStyles2 } from '@grafana/ui';
import type { Incident, RootCause } from '@mahavishnu/wire/incidents';
import { testIds } from '../testIds';
import { SeverityBadge, StatusBadge } from '../common/Badges';
import { formatSeconds, formatTime } from '../common/format';
import { Section } from '../common/Section';
import { typeLabel } from '../common/vocabulary';

/** An incident's details, affected components and root cause. */
export function IncidentSummary({ incident }: { incident: Incident }) {
  const s = useStyles2(getStyles);
  return (
    <div data-testid={testIds.incident.summary}>
      <Stack direction="row" gap={1} alignItems="center">
        <SeverityBadge severity={incident.severity} />
        <StatusBadge status={incident.status} />
        <Text variant="h4">{incident.title}</Text>
      </Stack>
      {incident.description && <p className={s.description}>{incident.description}</p>}
      <dl className={s.fields}>
        <Item label="ID">{incident.incident_id}</Item>
        <Item label="Type">{typeLabel(incident.incident_type)}</Item>
        <Item label="Rule">{incident.rule_id ?? '–'}</Item>
        <Item label="Events">{incident.event_count}</Item>
        <Item label="Started">{formatTime(incident.started_at)}</Item>
        <Item label="Detected">{formatTime(incident.detected_at)}</Item>
        <Item label="Acknowledged">{withActor(incident.acknowledged_at, incident.acknowledged_by)}</Item>
        <Item label="Assigned to">{incident.assigned_to ?? '–'}</Item>
        <Item label="Resolved">{withActor(incident.resolved_at, incident.resolved_by)}</Item>
        <Item label="Closed">{withActor(incident.closed_at, incident.closed_by)}</Item>
        <Item label="MTTD">{formatSeconds(incident.mttd)}</Item>
        <Item label="MTTR">{formatSeconds(incident.mttr)}</Item>
      </dl>
      <Section title="Affected components">
        {incident.affected_components.length ? (
          <Stack direction="row" gap={1} wrap="wrap">
            {incident.affected_components.map((c) => (
              <Tag key={c} name={c} colorIndex={5} />
            ))}
          </Stack>
        ) : (
          <Text color="secondary">None recorded.</Text>
        )}
      </Section>
      <Section title="Root cause">
        <RootCauseDetails cause={incident.root_cause} />
      </Section>
    </div>
  );
}

function RootCauseDetails({ cause }: { cause: RootCause | null }) {
  const s = useStyles2(getStyles);
  if (!cause) {
    return <Text color="secondary">Not analysed yet.</Text>;
  }
  return (
    <dl className={s.fields}>
      <Item label="Primary error type">{cause.primary_error_type ?? '–'}</Item>
      <Item label="Primary source">{cause.primary_source ?? '–'}</Item>
      <Item label="Errors by type">{distribution(cause.error_distribution)}</Item>
      <Item label="Errors by source">{distribution(cause.source_distribution)}</Item>
      {cause.evidence && (
        <Item label="Evidence">
          {formatTime(cause.evidence.timestamp)} {cause.evidence.source}: {cause.evidence.message}
        </Item>
      )}
    </dl>
  );
}

function Item({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

function withActor(at: string | null, by: string | null): string {
  return at ? `${formatTime(at)}${by ? ` by ${by}` : ''}` : '–';
}

function distribution(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  return entries.length ? entries.map(([k, n]) => `${k} (${n})`).join(', ') : '–';
}

const getStyles = (theme: GrafanaTheme2) => ({
  description: css`
    margin: ${theme.spacing(1, 0)};
  `,
  fields: css`
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: ${theme.spacing(0.5, 2)};
    margin: ${theme.spacing(2, 0)};
    dt {
      color: ${theme.colors.text.secondary};
    }
    dd {
      margin: 0;
    }
  `,
});
