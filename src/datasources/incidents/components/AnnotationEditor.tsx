import React from 'react';
import type { DataSourceApi, QueryEditorProps } from '@grafana/data';
import { QUERY_TYPE_INFO } from '../queryTypes';
import type { IncidentsOptions, IncidentsQuery } from '../types';
import { FilterFields } from './FilterFields';

// The datasource's own class is not named here: it imports this editor for its annotations.
type Props = QueryEditorProps<DataSourceApi<IncidentsQuery, IncidentsOptions>, IncidentsQuery, IncidentsOptions>;

/** An annotation is always the 'annotations' query: only its filters are editable. */
export function AnnotationEditor({ query, onChange, onRunQuery }: Props) {
  return (
    <FilterFields
      query={{ ...query, queryType: 'annotations' }}
      filters={QUERY_TYPE_INFO.annotations.filters}
      onChange={onChange}
      onRunQuery={onRunQuery}
    />
  );
}
