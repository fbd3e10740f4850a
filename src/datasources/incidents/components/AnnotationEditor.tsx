import React from 'react';
import type { QueryEditorProps } from '@grafana/data';
import type { IncidentsDataSource } from '../datasource';
import { QUERY_TYPE_INFO } from '../queryTypes';
import type { IncidentsOptions, IncidentsQuery } from '../types';
import { FilterFields } from './FilterFields';

type Props = QueryEditorProps<IncidentsDataSource, IncidentsQuery, IncidentsOptions>;

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
