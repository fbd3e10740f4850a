import React, { useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2, SelectableValue } from '@grafana/data';
import { Button, Combobox, Field, Input, RadioButtonGroup, useStyles2, type ComboboxOption } from '@grafana/ui';
import { testIds } from '../testIds';
import { SEVERITY_LABELS, STATUS_LABELS, TYPE_LABELS, optionsOf } from '../common/vocabulary';
import type { ListFilters } from './useIncidentFilters';

interface Props {
  filters: ListFilters;
  onChange: (filters: ListFilters) => void;
}

/** The filters: severity, status (or all active), component, time range and type. */
export function IncidentFilters({ filters, onChange }: Props) {
  const s = useStyles2(getStyles);
  const set = (key: keyof ListFilters, value: string | undefined) =>
    onChange({ ...filters, [key]: value || undefined });

  return (
    <div className={s.row} data-testid={testIds.incidents.filters}>
      <Field label="Severity" noMargin>
        <RadioButtonGroup
          options={[ANY, ...optionsOf(SEVERITY_LABELS)]}
          value={filters.severity ?? ''}
          onChange={(v) => set('severity', v)}
        />
      </Field>
      <Field label="Status" htmlFor="incident-filter-status" noMargin>
        <Combobox
          id="incident-filter-status"
          width={20}
          options={STATUS_OPTIONS}
          value={filters.status ?? null}
          placeholder="Any"
          isClearable
          onChange={(option) => set('status', option?.value)}
        />
      </Field>
      <Field label="Type" htmlFor="incident-filter-type" noMargin>
        <Combobox
          id="incident-filter-type"
          width={28}
          options={TYPE_OPTIONS}
          value={filters.type ?? null}
          placeholder="Any"
          isClearable
          createCustomValue
          onChange={(option) => set('type', option?.value)}
        />
      </Field>
      <Field label="Component" htmlFor="incident-filter-component" noMargin>
        {/* Remounted when the URL changes, so the box shows the filter in force. */}
        <TextFilter
          key={filters.component ?? ''}
          id="incident-filter-component"
          value={filters.component}
          placeholder="api"
          onCommit={(v) => set('component', v)}
        />
      </Field>
      <Field label="Since" noMargin>
        <RadioButtonGroup
          options={sinceOptions(filters.since)}
          value={filters.since ?? ''}
          onChange={(v) => set('since', v)}
        />
      </Field>
      <Button variant="secondary" fill="text" icon="times" onClick={() => onChange({})}>
        Clear filters
      </Button>
    </div>
  );
}

/** A text filter that applies on Enter or when left, not on every key. */
function TextFilter(props: { id: string; value?: string; placeholder: string; onCommit: (value: string) => void }) {
  const [text, setText] = useState(props.value ?? '');
  const commit = () => {
    if (text.trim() !== (props.value ?? '')) {
      props.onCommit(text.trim());
    }
  };
  return (
    <Input
      id={props.id}
      width={20}
      value={text}
      placeholder={props.placeholder}
      onChange={(e) => setText(e.currentTarget.value)}
      onBlur={commit}
      onKeyDown={(e) => e.key === 'Enter' && commit()}
    />
  );
}

const ANY: SelectableValue<string> = { label: 'Any', value: '' };

const STATUS_OPTIONS: Array<ComboboxOption<string>> = [
  { value: 'active', label: 'Active', description: 'Neither resolved nor closed' },
  ...optionsOf(STATUS_LABELS),
];

const TYPE_OPTIONS: Array<ComboboxOption<string>> = optionsOf(TYPE_LABELS);

const SINCE_OPTIONS: Array<SelectableValue<string>> = [
  ANY,
  { label: '1h', value: '1h' },
  { label: '24h', value: '24h' },
  { label: '7d', value: '7d' },
  { label: '30d', value: '30d' },
];

/** The usual ranges, plus the one from a shared URL when it is another (`?since=2h`). */
function sinceOptions(current: string | undefined): Array<SelectableValue<string>> {
  return !current || SINCE_OPTIONS.some((o) => o.value === current)
    ? SINCE_OPTIONS
    : [...SINCE_OPTIONS, { label: current, value: current }];
}

const getStyles = (theme: GrafanaTheme2) => ({
  row: css`
    display: flex;
    flex-wrap: wrap;
    align-items: flex-end;
    gap: ${theme.spacing(2)};
    margin-bottom: ${theme.spacing(2)};
  `,
});
