import React from 'react';
import { Badge, Text } from '@grafana/ui';
import type { TimelineEntry } from '@mahavishnu/wire/incidents';
import { testIds } from '../testIds';
import { formatTime } from '../common/format';
import { SimpleTable } from '../common/SimpleTable';

/** The incident's events and lifecycle entries in time order. */
export function Timeline({ entries }: { entries: TimelineEntry[] }) {
  if (entries.length === 0) {
    return <Text color="secondary">Nothing recorded yet.</Text>;
  }
  return (
    <SimpleTable
      testId={testIds.incident.timeline}
      headers={['Time', 'Kind', 'Event', 'Source', 'Message', 'By']}
      rows={entries.map((e, i) => ({
        key: `${e.at}-${i}`,
        cells: [
          formatTime(e.at),
          <Badge key="kind" text={e.kind} color={e.kind === 'lifecycle' ? 'blue' : 'darkgrey'} />,
          e.event_type,
          e.source,
          e.message,
          e.actor ?? '',
        ],
      }))}
    />
  );
}
