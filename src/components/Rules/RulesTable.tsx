import React from 'react';
import { Badge, Button, Stack, Switch, Text } from '@grafana/ui';
import type { DetectionRule } from '@mahavishnu/wire/rules';
import type { IncidentsApi } from '../../api/client';
import { useMutation } from '../../api/hooks';
import { testIds } from '../testIds';
import { SeverityBadge } from '../common/Badges';
import { ErrorAlert } from '../common/Loaded';
import { SimpleTable } from '../common/SimpleTable';
import { formatSeconds } from '../common/format';
import { typeLabel } from '../common/vocabulary';

interface Props {
  rules: DetectionRule[];
  onEdit: (rule: DetectionRule) => void;
  /** Heard after a rule was enabled or disabled. */
  onChanged: () => void;
}

const setEnabled = (api: IncidentsApi, id: string, enabled: boolean) => api.setRuleEnabled(id, enabled);

/** The detection rules, each with an enable switch and an Edit button. */
export function RulesTable({ rules, onEdit, onChanged }: Props) {
  const toggle = useMutation(setEnabled, onChanged);
  if (rules.length === 0) {
    return <Text color="secondary">No detection rules.</Text>;
  }
  return (
    <>
      {toggle.error && <ErrorAlert title="The rule could not be changed" error={toggle.error} />}
      <SimpleTable
        testId={testIds.rules.table}
        headers={['Enabled', 'Rule', 'Type', 'Severity', 'Threshold', 'Matches', '']}
        rows={rules.map((rule) => ({
          key: rule.rule_id,
          cells: [
            <Switch
              key="enabled"
              value={rule.enabled}
              label={`Enabled: ${rule.name}`}
              disabled={toggle.pending}
              onChange={() => toggle.run(rule.rule_id, !rule.enabled)}
            />,
            <Stack key="rule" direction="column" gap={0}>
              <Text weight="medium">{rule.name}</Text>
              <Text color="secondary" variant="bodySmall">
                {rule.rule_id} {rule.builtin ? <Badge text="built-in" color="darkgrey" /> : null}
              </Text>
            </Stack>,
            rule.from_alert_labels ? 'from alert labels' : typeLabel(rule.incident_type),
            rule.from_alert_labels ? '–' : <SeverityBadge key="severity" severity={rule.severity} />,
            `${rule.error_threshold} in ${formatSeconds(rule.time_window_seconds)}`,
            rule.match.event_types.join(', '),
            <Button
              key="edit"
              size="sm"
              variant="secondary"
              icon="pen"
              onClick={() => onEdit(rule)}
              aria-label={`Edit ${rule.name}`}
            >
              Edit
            </Button>,
          ],
        }))}
      />
    </>
  );
}
