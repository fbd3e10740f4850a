import React from 'react';
import { Text } from '@grafana/ui';
import type { Note } from '@mahavishnu/wire/incidents';
import { formatTime } from '../common/format';
import { SimpleTable } from '../common/SimpleTable';

/** The notes left on an incident (resolution notes among them), oldest first. */
export function Notes({ notes }: { notes: Note[] }) {
  if (notes.length === 0) {
    return <Text color="secondary">No notes.</Text>;
  }
  return (
    <SimpleTable
      headers={['Time', 'By', 'Note']}
      rows={notes.map((n, i) => ({ key: `${n.at}-${i}`, cells: [formatTime(n.at), n.author ?? '', n.text] }))}
    />
  );
}
