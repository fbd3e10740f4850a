import React, { useMemo } from 'react';
import { InteractiveTable, Text, TextLink, type Column } from '@grafana/ui';
import type { Incident } from '@mahavishnu/wire/incidents';
import { incidentUrl } from '../../constants';
import { testIds } from '../testIds';
import { SeverityBadge, StatusBadge } from '../common/Badges';
import { formatSeconds, formatTime, secondsSince } from '../common/format';
import { useNow } from '../common/useNow';
import { isActiveStatus, typeLabel } from '../common/vocabulary';

interface Props {
  incidents: Incident[];
  /** Fewer columns, for the overview. */
  compact?: boolean;
}

/** Incidents with a link each to its page; the duration of an active incident keeps running. */
export function IncidentTable({ incidents, compact = false }: Props) {
  const now = useNow();
  const columns = useMemo(() => buildColumns(now, compact), [now, compact]);
  if (incidents.length === 0) {
    return <Text color="secondary">No incidents.</Text>;
  }
  return (
    <div data-testid={testIds.incidentTable.container}>
      <InteractiveTable columns={columns} data={incidents} getRowId={(i: Incident) => i.incident_id} pageSize={50} />
    </div>
  );
}

/** How long the incident lasted, or has lasted so far. */
export function incidentDuration(incident: Incident, now: number): number {
  const end = incident.resolved_at ?? incident.closed_at;
  return end ? secondsSince(incident.started_at, Date.parse(end)) : secondsSince(incident.started_at, now);
}

function buildColumns(now: number, compact: boolean): Array<Column<Incident>> {
  const columns: Array<Column<Incident>> = [
    {
      id: 'incident_id',
      header: 'ID',
      sortType: 'string',
      cell: ({ row: { original } }) => (
        <TextLink href={incidentUrl(original.incident_id)} inline={false}>
          {original.incident_id}
        </TextLink>
      ),
    },
    { id: 'title', header: 'Title', sortType: 'string' },
    {
      id: 'severity',
      header: 'Severity',
      sortType: (a, b) => SEVERITY_RANK[a.original.severity] - SEVERITY_RANK[b.original.severity],
      cell: ({ row: { original } }) => <SeverityBadge severity={original.severity} />,
    },
    {
      id: 'status',
      header: 'Status',
      sortType: 'string',
      cell: ({ row: { original } }) => <StatusBadge status={original.status} />,
    },
    {
      id: 'incident_type',
      header: 'Type',
      sortType: 'string',
      cell: ({ row: { original } }) => typeLabel(original.incident_type),
    },
    {
      id: 'affected_components',
      header: 'Components',
      cell: ({ row: { original } }) => original.affected_components.join(', '),
    },
    {
      id: 'detected_at',
      header: 'Detected',
      sortType: 'string',
      cell: ({ row: { original } }) => formatTime(original.detected_at),
    },
    {
      id: 'duration',
      header: 'Duration',
      cell: ({ row: { original } }) => (
        <span title={isActiveStatus(original.status) ? 'ongoing' : 'until resolved'}>
          {formatSeconds(incidentDuration(original, now))}
        </span>
      ),
    },
    {
      id: 'assigned_to',
      header: 'Assignee',
      sortType: 'string',
      cell: ({ row: { original } }) => original.assigned_to ?? '–',
    },
  ];
  return compact ? columns.filter((c) => COMPACT_COLUMNS.includes(c.id)) : columns;
}

const COMPACT_COLUMNS = ['incident_id', 'title', 'severity', 'status', 'affected_components', 'duration'];

const SEVERITY_RANK = { low: 0, medium: 1, high: 2, critical: 3 } as const;
