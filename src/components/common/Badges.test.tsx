import React from 'react';
import { render, within } from '@testing-library/react';
import type { Severity } from '@mahavishnu/wire/vocabulary';
import { IncidentTable as PanelIncidentTable } from '../../panels/incidents/components/IncidentTable';
import { FakeClient, makeIncident } from '../../testing/fakeClient';
import { renderWithClient } from '../../testing/render';
import { IncidentTable as AppIncidentTable } from '../Incidents/IncidentTable';
import { SEVERITY_LABELS } from './vocabulary';

const SEVERITIES = Object.keys(SEVERITY_LABELS) as Severity[];

const incidents = SEVERITIES.map((severity, k) =>
  makeIncident({ incident_id: `inc_${k}`, title: `A ${severity} incident`, severity })
);

/** The colours a badge is drawn in. */
function colours(badge: HTMLElement): { background: string; text: string } {
  const style = getComputedStyle(badge);
  return { background: style.backgroundColor, text: style.color };
}

describe('severity badges', () => {
  it('are drawn in the same colour by the panel and the app, one colour per severity', () => {
    const panel = render(<PanelIncidentTable incidents={incidents} columns={['severity', 'title']} />);
    const app = renderWithClient(<AppIncidentTable incidents={incidents} />, { client: new FakeClient() });

    const inPanel = SEVERITIES.map((s) => colours(within(panel.container).getByText(s)));
    const inApp = SEVERITIES.map((s) => colours(within(app.container).getByText(SEVERITY_LABELS[s])));

    expect(inPanel).toEqual(inApp);
    expect(new Set(inApp.map((c) => c.background)).size).toBe(SEVERITIES.length);
    expect(inApp.every((c) => c.background !== '' && c.text !== '')).toBe(true);
  });
});
