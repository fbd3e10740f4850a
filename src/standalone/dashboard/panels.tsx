import React from 'react';
import {
  applyFieldOverrides,
  FieldType,
  getDisplayProcessor,
  type DataFrame,
  type Field,
  type FieldConfigSource,
  type PanelProps,
  type TimeRange,
} from '@grafana/data';
import { LegendDisplayMode } from '@grafana/schema';
import { BigValue, BigValueColorMode, BigValueGraphMode, Table, TimeSeries, useTheme2 } from '@grafana/ui';
import { plugin as incidentsPanel } from '../../panels/incidents/module';
import { DEFAULT_OPTIONS } from '../../panels/incidents/options';
import type { PanelOptions } from '../../panels/incidents/types';
import type { DashboardPanel } from './dashboardModel';

/** What every panel renderer gets: the panel's JSON, its inner size, the range and its frames. */
export interface PanelViewProps {
  panel: DashboardPanel;
  width: number;
  height: number;
  range: TimeRange;
  frames: DataFrame[];
}

const NO_FIELD_CONFIG: FieldConfigSource = { defaults: {}, overrides: [] };

/** Frames with display processors, as Grafana's panels receive them. */
function useDisplayFrames(frames: DataFrame[], fieldConfig?: FieldConfigSource): DataFrame[] {
  const theme = useTheme2();
  return applyFieldOverrides({
    data: frames,
    fieldConfig: fieldConfig ?? NO_FIELD_CONFIG,
    replaceVariables: (text) => text,
    theme,
    timeZone: 'browser',
  });
}

/** A stat panel: the last value of the field its `reduceOptions.fields` pattern names. */
export function StatView({ panel, width, height, frames }: PanelViewProps) {
  const theme = useTheme2();
  const reduce = panel.options?.reduceOptions as { fields?: string } | undefined;
  const pattern = /^\/(.*)\/$/.exec(reduce?.fields ?? '')?.[1];
  const matches = (f: Field) => f.type === 'number' && (!pattern || new RegExp(pattern).test(f.name));
  const field = frames.flatMap((frame) => frame.fields).find(matches);
  const values = field?.values ?? [];
  const last = values.length ? values[values.length - 1] : null;
  const config = { ...panel.fieldConfig?.defaults, ...field?.config };
  const display = getDisplayProcessor({ field: { ...field, type: field?.type ?? FieldType.number, config }, theme })(
    last
  );
  return (
    <BigValue
      theme={theme}
      width={width}
      height={height}
      value={last === null || last === undefined ? { ...display, text: 'No data', numeric: NaN } : display}
      colorMode={BigValueColorMode.Value}
      graphMode={BigValueGraphMode.None}
    />
  );
}

/** A table panel: its first frame. */
export function TableView({ panel, width, height, frames }: PanelViewProps) {
  const [frame] = useDisplayFrames(frames, panel.fieldConfig);
  return frame ? <Table data={frame} width={width} height={height} /> : null;
}

/** A time series panel: every frame's number fields over time. */
export function TimeSeriesView({ panel, width, height, frames, range }: PanelViewProps) {
  const display = useDisplayFrames(frames, panel.fieldConfig);
  return (
    <TimeSeries
      frames={display}
      width={width}
      height={height}
      timeRange={range}
      timeZone="browser"
      legend={{ showLegend: true, displayMode: LegendDisplayMode.List, placement: 'bottom', calcs: [] }}
    />
  );
}

/** Our own panel plugin, given the props Grafana gives it. */
export function IncidentsPanelView({ panel, width, height, range }: PanelViewProps) {
  const Panel = incidentsPanel.panel!;
  const options = { ...DEFAULT_OPTIONS, ...panel.options } as PanelOptions;
  const props = {
    id: panel.id,
    title: panel.title,
    options,
    width,
    height,
    timeRange: range,
    timeZone: 'browser',
    transparent: false,
    renderCounter: 0,
    data: { series: [], state: 'Done', timeRange: range },
    fieldConfig: NO_FIELD_CONFIG,
    replaceVariables: (text: string) => text.replace(/\$\{?\w+\}?/g, ''),
    onOptionsChange: () => {},
    onFieldConfigChange: () => {},
    onChangeTimeRange: () => {},
  } as unknown as PanelProps<PanelOptions>;
  return <Panel {...props} />;
}
