import React from 'react';
import { Combobox, InlineField, InlineFieldRow, Input, type ComboboxOption } from '@grafana/ui';
import { FILTER_INFO } from '../queryTypes';
import type { FilterName, IncidentsQuery } from '../types';

interface Props {
  query: IncidentsQuery;
  filters: readonly FilterName[];
  onChange: (query: IncidentsQuery) => void;
  onRunQuery: () => void;
}

/** The inputs of a query type's filters; a choice also takes a typed value such as `$component`. */
export function FilterFields({ query, filters, onChange, onRunQuery }: Props) {
  if (!filters.length) {
    return null;
  }
  const set = (name: FilterName, value: string | number | undefined) => onChange({ ...query, [name]: value });
  return (
    <InlineFieldRow>
      {filters.map((name) => (
        <FilterField
          key={name}
          id={`mahavishnu-${query.refId}-${name}`}
          name={name}
          value={query[name]}
          onChange={(value) => set(name, value)}
          onCommit={onRunQuery}
        />
      ))}
    </InlineFieldRow>
  );
}

interface FieldProps {
  id: string;
  name: FilterName;
  value: string | number | undefined;
  onChange: (value: string | number | undefined) => void;
  onCommit: () => void;
}

function FilterField({ id, name, value, onChange, onCommit }: FieldProps) {
  const info = FILTER_INFO[name];
  return (
    <InlineField label={info.label} tooltip={info.tooltip} htmlFor={id}>
      {info.options ? (
        <Combobox
          id={id}
          width={22}
          options={info.options.map((o): ComboboxOption<string> => ({ label: o, value: o }))}
          value={value === undefined ? null : String(value)}
          placeholder="any"
          createCustomValue
          isClearable
          onChange={(option) => {
            onChange(option?.value || undefined);
            onCommit();
          }}
        />
      ) : (
        <Input
          id={id}
          width={info.numeric ? 12 : 22}
          type={info.numeric ? 'number' : 'text'}
          value={value ?? ''}
          placeholder={info.placeholder}
          onChange={(e) => onChange(readInput(e.currentTarget.value, info.numeric))}
          onBlur={onCommit}
        />
      )}
    </InlineField>
  );
}

function readInput(text: string, numeric?: boolean): string | number | undefined {
  if (text.trim() === '') {
    return undefined;
  }
  return numeric ? Number(text) : text;
}
