import React from 'react';
import { Button, Stack } from '@grafana/ui';
import type { Incident } from '@mahavishnu/wire/incidents';
import { downloadFile } from '../common/download';
import { incidentsToCsv, incidentsToJson } from './exportIncidents';

/** Downloads the listed incidents, as filtered, as CSV or JSON. */
export function ExportButtons({ incidents }: { incidents: Incident[] }) {
  const disabled = incidents.length === 0;
  const save = (format: 'csv' | 'json') => {
    const name = `incidents-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.${format}`;
    if (format === 'csv') {
      downloadFile(name, incidentsToCsv(incidents), 'text/csv');
    } else {
      downloadFile(name, incidentsToJson(incidents), 'application/json');
    }
  };
  return (
    <Stack direction="row" gap={1}>
      <Button variant="secondary" icon="download-alt" disabled={disabled} onClick={() => save('csv')}>
        Export CSV
      </Button>
      <Button variant="secondary" icon="download-alt" disabled={disabled} onClick={() => save('json')}>
        Export JSON
      </Button>
    </Stack>
  );
}
