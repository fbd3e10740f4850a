import React from 'react';
import { Text } from '@grafana/ui';
import type { Severity } from '@mahavishnu/wire/enums';
import type { Incident } from '@mahavishnu/wire/incidents';
import { testIds } from '../testIds';
import { SeverityBadge } from '../common/Badges';
import { SimpleTable } from '../common/SimpleTable';
import { SEVERITIES } from '../common/vocabulary';

/** A component named by active incidents, with the worst of their severities. */
export interface ComponentHealth {
  component: string;
  worst: Severity;
  incidents: number;
}

/** What the worst active severity says about a component, in our words. */
const STATUS: Record<Severity, string> = { critical: 'Down', high: 'Degraded', medium: 'Warning', low: 'Warning' };

/** The components of the active incidents, worst first: their status, worst severity and incident count. */
export function ComponentStatus({ active }: { active: Incident[] }) {
  const components = componentHealth(active);
  if (components.length === 0) {
    return <Text color="secondary">No component is affected by an active incident.</Text>;
  }
  return (
    <SimpleTable
      testId={testIds.overview.components}
      headers={['Component', 'Status', 'Worst severity', 'Incidents']}
      rows={components.map((c) => ({
        key: c.component,
        cells: [c.component, STATUS[c.worst], <SeverityBadge key="severity" severity={c.worst} />, c.incidents],
      }))}
    />
  );
}

export function componentHealth(active: Incident[]): ComponentHealth[] {
  const byName = new Map<string, ComponentHealth>();
  for (const incident of active) {
    for (const component of incident.affected_components) {
      const seen = byName.get(component);
      if (!seen) {
        byName.set(component, { component, worst: incident.severity, incidents: 1 });
      } else {
        seen.incidents += 1;
        if (rank(incident.severity) < rank(seen.worst)) {
          seen.worst = incident.severity;
        }
      }
    }
  }
  return [...byName.values()].sort((a, b) => rank(a.worst) - rank(b.worst) || a.component.localeCompare(b.component));
}

/** 0 for critical: SEVERITIES lists the worst first. */
function rank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}
