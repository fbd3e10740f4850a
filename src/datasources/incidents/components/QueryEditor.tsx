import React from 'react';
import type { QueryEditorProps } from '@grafana/data';
import { Combobox, InlineField, InlineFieldRow, Stack, type ComboboxOption } from '@grafana/ui';
import type { IncidentsDataSource } from '../datasource';
import { QUERY_TYPE_INFO } from '../queryTypes';
import type { IncidentsOptions, IncidentsQuery, QueryType } from '../types';
import { FilterFields } from './FilterFields';

type Props = QueryEditorProps<IncidentsDataSource, IncidentsQuery, IncidentsOptions>;

// One option per query type of the backend, in the order of the table (whose keys the wire type fixes).
const TYPE_OPTIONS: Array<ComboboxOption<QueryType>> = (Object.keys(QUERY_TYPE_INFO) as QueryType[]).map((t) => ({
  value: t,
  label: QUERY_TYPE_INFO[t].label,
  description: QUERY_TYPE_INFO[t].description,
}));

/** The query type, then the filters that type reads. */
export function QueryEditor({ query, onChange, onRunQuery }: Props) {
  const info = QUERY_TYPE_INFO[query.queryType] ?? QUERY_TYPE_INFO.incidents;
  const id = `mahavishnu-${query.refId}-queryType`;
  return (
    <Stack direction="column" gap={0}>
      <InlineFieldRow>
        <InlineField label="Query" tooltip={info.description} htmlFor={id}>
          <Combobox
            id={id}
            width={24}
            options={TYPE_OPTIONS}
            value={query.queryType}
            onChange={(option) => {
              onChange({ ...query, queryType: option.value });
              onRunQuery();
            }}
          />
        </InlineField>
      </InlineFieldRow>
      <FilterFields query={query} filters={info.filters} onChange={onChange} onRunQuery={onRunQuery} />
    </Stack>
  );
}
