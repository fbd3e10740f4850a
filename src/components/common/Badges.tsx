import React from 'react';
import { Badge, type BadgeColor, type IconName } from '@grafana/ui';
import type { IncidentStatus, Severity } from '@mahavishnu/wire/enums';
import type { ActionState, ActionRisk } from '@mahavishnu/wire/remediation';
import { SEVERITY_LABELS, STATUS_LABELS } from './vocabulary';

/**
 * The plugin's one severity palette, for the app's pages, the panel and the standalone pages: red,
 * orange, then (Badge has no yellow) blue for medium and grey for low. Each has its icon too, so that
 * the colour is not the only sign.
 */
export const SEVERITY_STYLES: Record<Severity, { color: BadgeColor; icon: IconName }> = {
  critical: { color: 'red', icon: 'exclamation-circle' },
  high: { color: 'orange', icon: 'exclamation-triangle' },
  medium: { color: 'blue', icon: 'info-circle' },
  low: { color: 'darkgrey', icon: 'arrow-down' },
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

/** A severity in its colour; `text` is its display name unless given (the panel writes the value itself). */
export function SeverityBadge({ severity, text }: { severity: Severity; text?: string }) {
  const style = SEVERITY_STYLES[severity] ?? SEVERITY_STYLES.low;
  return <Badge text={text ?? SEVERITY_LABELS[severity] ?? severity} color={style.color} icon={style.icon} />;
}

export function StatusBadge({ status }: { status: IncidentStatus }) {
  return <Badge text={STATUS_LABELS[status] ?? status} color={STATUS_COLORS[status] ?? 'darkgrey'} />;
}

/** A remediation action's risk, coloured like the severities. */
export function RiskBadge({ risk }: { risk: ActionRisk }) {
  return <Badge text={`${risk} risk`} color={SEVERITY_STYLES[risk].color} />;
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
