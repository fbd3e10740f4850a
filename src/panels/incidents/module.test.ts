import { PanelOptionsEditorBuilder, standardEditorsRegistry } from '@grafana/data';
import { plugin } from './module';
import { DEFAULT_OPTIONS } from './options';
import type { PanelOptions } from './types';

// Grafana fills the registry of option editors when it starts; the builder only looks them up by id.
standardEditorsRegistry.setInit(() =>
  ['select', 'multi-select', 'text', 'number', 'boolean'].map((id) => ({ id, name: id, editor: () => null }))
);

describe('panel options', () => {
  const builder = new PanelOptionsEditorBuilder<PanelOptions>();
  plugin.getPanelOptionsSupplier()(builder, { data: [] });
  const items = builder.getItems();
  const item = (path: string) => items.find((i) => i.path === path)!;

  it('offers the filters, the columns, the row limit and the action buttons, grouped', () => {
    expect(items.map((i) => [i.category?.[0], i.path, i.name])).toEqual([
      ['Filters', 'status', 'Status'],
      ['Filters', 'severity', 'Severity'],
      ['Filters', 'component', 'Component'],
      ['Display', 'columns', 'Columns'],
      ['Display', 'maxRows', 'Max rows'],
      ['Display', 'showActions', 'Show action buttons'],
    ]);
  });

  it('lists active incidents with every action button by default', () => {
    expect(plugin.defaults).toEqual(DEFAULT_OPTIONS);
    expect(DEFAULT_OPTIONS).toMatchObject({ status: 'active', severity: '', component: '', showActions: true });
  });

  it('offers active, any and each status; any and each severity; every column', () => {
    const values = (path: string) => item(path).settings.options.map((o: { value: string }) => o.value);
    expect(values('status')).toEqual([
      'active',
      '',
      'detected',
      'assessing',
      'containing',
      'investigating',
      'remediating',
      'recovering',
      'resolved',
      'closed',
    ]);
    expect(values('severity')).toEqual(['', 'critical', 'high', 'medium', 'low']);
    expect(values('columns')).toEqual([
      'severity',
      'title',
      'status',
      'type',
      'components',
      'assignee',
      'detected',
      'id',
    ]);
  });
});
