import type { DsFrame, DsQueryResponse, FieldType } from '@mahavishnu/wire/datasource';

/*
 * Backend answers for the datasource's tests, of the backend's frame type and with the rows that the
 * backend's own datasource tests expect of their fixture.
 */

export const T0 = Date.parse('2026-11-26T10:00:00Z');
export const MIN = 60_000;
export const HOUR = 60 * MIN;

type Column = [name: string, type: FieldType, values: unknown[]];

/** A frame as the backend's `frame()` writes it: fields in `schema`, values column by column in `data`. */
export function backendFrame(refId: string, name: string, columns: Column[]): DsFrame {
  return {
    schema: { refId, name, fields: columns.map(([n, type]) => ({ name: n, type })) },
    data: { values: columns.map(([, , values]) => values) },
  };
}

export function incidentsFrame(refId: string): DsFrame {
  return backendFrame(refId, 'incidents', [
    ['detected_at', 'time', [T0 + 7 * MIN, T0 + 5 * MIN]],
    ['incident_id', 'string', ['INC-2', 'INC-1']],
    ['title', 'string', ['Incident INC-2', 'Incident INC-1']],
    ['incident_type', 'string', ['error_burst', 'error_burst']],
    ['severity', 'string', ['high', 'critical']],
    ['status', 'string', ['detected', 'resolved']],
    ['affected_components', 'string', ['api', 'api,db']],
    ['event_count', 'number', [5, 5]],
    ['assigned_to', 'string', [null, null]],
    ['mttd', 'number', [30, 30]],
    ['mttr', 'number', [null, 900]],
    ['resolved_at', 'time', [null, T0 + 20 * MIN]],
  ]);
}

export function annotationsFrame(refId: string): DsFrame {
  return backendFrame(refId, 'incident annotations', [
    ['time', 'time', [T0 - HOUR, T0 + 5 * MIN]],
    ['timeEnd', 'time', [T0 + HOUR, T0 + 20 * MIN]],
    ['title', 'string', ['Incident INC-before', 'Incident INC-1']],
    [
      'text',
      'string',
      [
        'INC-before: critical error_burst, detected; components: db',
        'INC-1: critical error_burst, resolved; components: api, db',
      ],
    ],
    [
      'tags',
      'other',
      [
        ['critical', 'error_burst'],
        ['critical', 'error_burst'],
      ],
    ],
    ['id', 'string', ['INC-before', 'INC-1']],
    ['color', 'string', ['#F2495C', '#F2495C']],
  ]);
}

export function variableFrame(refId: string, options: Array<[text: string, value: string]>): DsFrame {
  return backendFrame(refId, 'variable', [
    ['text', 'string', options.map(([text]) => text)],
    ['value', 'string', options.map(([, value]) => value)],
  ]);
}

export function answer(results: DsQueryResponse['results']): DsQueryResponse {
  return { results };
}
