import { PanelPlugin } from '@grafana/data';
import { IncidentsPanel } from './IncidentsPanel';
import { buildOptions } from './options';
import type { PanelOptions } from './types';

export const plugin = new PanelPlugin<PanelOptions>(IncidentsPanel).setPanelOptions(buildOptions);
