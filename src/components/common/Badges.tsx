import React from 'react';
import { Badge, type BadgeColor } from '@grafana/ui';
import type { IncidentStatus, Severity } from '@mahavishnu/wire/enums';
import type { ActionState, ActionRisk } from '@mahavishnu/wire/remediation';
import { SEVERITY_LABELS, STATUS_LABELS } from './vocabulary';

/** Badge has no yellow, so medium is blue; low is grey. */
const SEVERITY_COLORS: Record<Severity, BadgeColor> = {
  critical: 'red',
  high: 'orange',
  medium: 'blue',
  low: 'darkgrey',
};

const STATUS_COLORS: Record<IncidentStatus, BadgeColor> = {
  detected: 'red',
  assessing: 'orange',
  containing: 'orange',
  investigating: 'orange',
  remediating: 'orange',
  recovering: 'blue',
  resolved: 'green',
  closed: 'darkgrey',
};

export function SeverityBadge({ severity }: { severity: Severity }) {
  return <Badge text={SEVERITY_LABELS[severity] ?? severity} color={SEVERITY_COLORS[severity] ?? 'darkgrey'} />;
}

export function StatusBadge({ status }: { status: IncidentStatus }) {
  return <Badge text={STATUS_LABELS[status] ?? status} color={STATUS_COLORS[status] ?? 'darkgrey'} />;
}

/** A remediation action's risk, coloured like the severities. */
export function RiskBadge({ risk }: { risk: ActionRisk }) {
  return <Badge text={`${risk} risk`} color={SEVERITY_COLORS[risk]} />;
}

const ACTION_STATE_COLORS: Partial<Record<ActionState, BadgeColor>> = {
  awaiting_approval: 'orange',
  running: 'blue',
  queued: 'blue',
  succeeded: 'green',
  failed: 'red',
  did_not_help: 'red',
};

export function ActionStateBadge({ state }: { state: ActionState }) {
  return <Badge text={state.replace(/_/g, ' ')} color={ACTION_STATE_COLORS[state] ?? 'darkgrey'} />;
}
