import type { PanelOptionsEditorBuilder, SelectableValue } from '@grafana/data';
import { COLUMNS, INCIDENT_STATUSES, SEVERITIES, type Column, type PanelOptions } from './types';

export const COLUMN_LABELS: Record<Column, string> = {
  severity: 'Severity',
  title: 'Title',
  status: 'Status',
  type: 'Type',
  components: 'Components',
  assignee: 'Assignee',
  detected: 'Detected',
  id: 'ID',
};

export const DEFAULT_OPTIONS: PanelOptions = {
  status: 'active',
  severity: '',
  component: '',
  columns: ['severity', 'title', 'status', 'components', 'assignee', 'detected'],
  maxRows: 20,
  showActions: true,
};

const ANY: SelectableValue<string> = { value: '', label: 'Any' };
const label = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The panel's options: what to list (Filters), and how (Display). */
export function buildOptions(builder: PanelOptionsEditorBuilder<PanelOptions>): void {
  const filters = ['Filters'];
  const display = ['Display'];
  builder
    .addSelect({
      path: 'status',
      name: 'Status',
      description:
        'Active means neither resolved nor closed, however long ago detected; other statuses are of the time range',
      category: filters,
      defaultValue: DEFAULT_OPTIONS.status,
      settings: {
        options: [
          { value: 'active', label: 'Active' },
          ANY,
          ...INCIDENT_STATUSES.map((s) => ({ value: s, label: label(s) })),
        ],
      },
    })
    .addSelect({
      path: 'severity',
      name: 'Severity',
      category: filters,
      defaultValue: DEFAULT_OPTIONS.severity,
      settings: { options: [ANY, ...SEVERITIES.map((s) => ({ value: s, label: label(s) }))] },
    })
    .addTextInput({
      path: 'component',
      name: 'Component',
      description: 'Only incidents affecting this component; dashboard variables such as $component work',
      category: filters,
      defaultValue: DEFAULT_OPTIONS.component,
    })
    .addMultiSelect({
      path: 'columns',
      name: 'Columns',
      description: 'Shown when the panel is wide; a narrow panel shows severity and title',
      category: display,
      defaultValue: DEFAULT_OPTIONS.columns,
      // Grafana types a multi-select's options by its value, an array; each option is one column.
      settings: {
        options: COLUMNS.map((c) => ({ value: c, label: COLUMN_LABELS[c] })) as unknown as Array<
          SelectableValue<Column[]>
        >,
      },
    })
    .addNumberInput({
      path: 'maxRows',
      name: 'Max rows',
      category: display,
      defaultValue: DEFAULT_OPTIONS.maxRows,
      settings: { min: 1, max: 1000, integer: true },
    })
    .addBooleanSwitch({
      path: 'showActions',
      name: 'Show action buttons',
      description: 'Acknowledge, Assign, Run action and Resolve (the backend still checks the role)',
      category: display,
      defaultValue: DEFAULT_OPTIONS.showActions,
    });
}
