import React from 'react';
import { fireEvent, render, screen } from '@testing-library/react';
import type { DataSourceSettings } from '@grafana/data';
import type { IncidentsDataSource } from '../datasource';
import type { IncidentsOptions, IncidentsQuery, IncidentsSecureJsonData } from '../types';
import { AnnotationEditor } from './AnnotationEditor';
import { ConfigEditor } from './ConfigEditor';
import { QueryEditor } from './QueryEditor';

const datasource = {} as IncidentsDataSource;

function renderQueryEditor(query: IncidentsQuery, Editor = QueryEditor) {
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
  render(<Editor datasource={datasource} query={query} onChange={onChange} onRunQuery={onRunQuery} />);
  return { onChange, onRunQuery };
}

// Combobox measures its text on a canvas, which jsdom does not draw.
const getContext = HTMLCanvasElement.prototype.getContext;
beforeAll(() => {
  HTMLCanvasElement.prototype.getContext = (() => ({
    measureText: (text: string) => ({ width: text.length * 7 }),
  })) as never;
});
afterAll(() => {
  HTMLCanvasElement.prototype.getContext = getContext;
});

const labels = () => Array.from(document.querySelectorAll('label')).map((l) => l.textContent);

describe('QueryEditor', () => {
  it.each([
    ['incidents', ['Query', 'Status', 'Severity', 'Type', 'Component', 'Limit']],
    ['timeseries', ['Query', 'Metric', 'Bucket', 'Type', 'Component']],
    ['timeline', ['Query', 'Incident ID', 'Limit']],
    ['stats', ['Query']],
  ] as const)('shows the query type and the filters of %s', (queryType, expected) => {
    renderQueryEditor({ refId: 'A', queryType, status: 'active' });
    expect(labels()).toEqual(expected);
  });

  it('shows a chosen filter value', () => {
    renderQueryEditor({ refId: 'A', queryType: 'incidents', status: 'active' });
    expect(screen.getByLabelText('Status')).toHaveValue('active');
  });

  it('keeps a typed filter, variables included, and runs the query when the input is left', () => {
    const { onChange, onRunQuery } = renderQueryEditor({ refId: 'A', queryType: 'incidents' });

    fireEvent.change(screen.getByLabelText('Component'), { target: { value: '$component' } });
    expect(onChange).toHaveBeenCalledWith({ refId: 'A', queryType: 'incidents', component: '$component' });
    expect(onRunQuery).not.toHaveBeenCalled();
    fireEvent.blur(screen.getByLabelText('Component'));
    expect(onRunQuery).toHaveBeenCalled();

    fireEvent.change(screen.getByLabelText('Limit'), { target: { value: '25' } });
    expect(onChange).toHaveBeenLastCalledWith({ refId: 'A', queryType: 'incidents', limit: 25 });
  });
});

describe('AnnotationEditor', () => {
  it("shows only the annotation query's filters", () => {
    renderQueryEditor({ refId: 'Anno', queryType: 'annotations' }, AnnotationEditor);
    expect(labels()).toEqual(['Severity', 'Type', 'Component']);
  });
});

describe('ConfigEditor', () => {
  function renderConfig(settings: Partial<DataSourceSettings<IncidentsOptions, IncidentsSecureJsonData>>) {
    const options = { jsonData: {}, secureJsonFields: {}, ...settings } as DataSourceSettings<
      IncidentsOptions,
      IncidentsSecureJsonData
    >;
    const onOptionsChange = jest.fn();
    render(<ConfigEditor options={options} onOptionsChange={onOptionsChange} />);
    return { options, onOptionsChange };
  }

  it('stores the URL in jsonData and a new key in secureJsonData', () => {
    const { onOptionsChange } = renderConfig({});
    fireEvent.change(screen.getByLabelText(/^Backend URL/), { target: { value: ' http://backend:8080 ' } });
    expect(onOptionsChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ jsonData: { url: 'http://backend:8080' } })
    );
    fireEvent.change(screen.getByLabelText(/^API key/), { target: { value: 'k-read' } });
    expect(onOptionsChange).toHaveBeenLastCalledWith(expect.objectContaining({ secureJsonData: { apiKey: 'k-read' } }));
  });

  it('shows only that a key is set, and resets it', () => {
    const { onOptionsChange } = renderConfig({
      jsonData: { url: 'http://backend:8080' },
      secureJsonFields: { apiKey: true },
    });
    expect(screen.getByLabelText(/^Backend URL/)).toHaveValue('http://backend:8080');
    expect(screen.getByLabelText(/^API key/)).toHaveValue('configured');
    expect(screen.getByLabelText(/^API key/)).toBeDisabled();

    fireEvent.click(screen.getByRole('button', { name: 'Reset' }));
    expect(onOptionsChange).toHaveBeenCalledWith(
      expect.objectContaining({ secureJsonFields: { apiKey: false }, secureJsonData: { apiKey: '' } })
    );
  });
});
