import React from 'react';
import { Badge, type BadgeColor, type IconName } from '@grafana/ui';
import type { Severity } from '../types';

/** The backend's severity palette (red, orange, yellow, blue); Badge has no yellow, so medium is purple. */
const STYLE: Record<Severity, { color: BadgeColor; icon: IconName }> = {
  critical: { color: 'red', icon: 'exclamation-circle' },
  high: { color: 'orange', icon: 'exclamation-triangle' },
  medium: { color: 'purple', icon: 'info-circle' },
  low: { color: 'blue', icon: 'arrow-down' },
};

export function SeverityBadge({ severity }: { severity: Severity }) {
  const style = STYLE[severity] ?? STYLE.low;
  return <Badge text={severity} color={style.color} icon={style.icon} />;
}
