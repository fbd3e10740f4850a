import React, { useState } from 'react';
import { Button, Drawer, Field, Input, Stack, Text } from '@grafana/ui';
import type { DetectionRule } from '@mahavishnu/wire/rules';
import type { IncidentsApi } from '../../api/client';
import { fieldErrors } from '../../api/errors';
import { useMutation } from '../../api/hooks';
import { testIds } from '../testIds';
import { ErrorAlert } from '../common/Loaded';
import { formatSeconds } from '../common/format';
import { RuleTester } from './RuleTester';
import { thresholdError, wholeNumber, windowError, type FieldErrors } from './ruleForm';

interface Props {
  rule: DetectionRule;
  onClose: () => void;
  /** Heard with the rule as saved. */
  onSaved: (rule: DetectionRule) => void;
}

type Patch = Parameters<IncidentsApi['updateRule']>[1];

const updateRule = (api: IncidentsApi, id: string, patch: Patch) => api.updateRule(id, patch);

/** Changes a rule's threshold and window; "Test this rule" replays recent events through it first. */
export function RuleEditor({ rule, onClose, onSaved }: Props) {
  const [thresholdText, setThresholdText] = useState(String(rule.error_threshold));
  const [windowText, setWindowText] = useState(String(rule.time_window_seconds));
  const save = useMutation(updateRule, onSaved);
  const local: FieldErrors = {
    error_threshold: thresholdError(thresholdText) ?? '',
    time_window_seconds: windowError(windowText) ?? '',
  };
  const server = fieldErrors(save.error);
  const errors: FieldErrors = { ...local, ...server };
  const invalid = Boolean(local.error_threshold || local.time_window_seconds);
  const windowSeconds = wholeNumber(windowText);

  return (
    <Drawer title={`Edit ${rule.name}`} subtitle={rule.rule_id} onClose={onClose} size="md">
      <div data-testid={testIds.rules.editor}>
        <Stack direction="column" gap={2}>
          <Field
            label="Threshold"
            description="How many matching events open an incident"
            invalid={Boolean(errors.error_threshold)}
            error={errors.error_threshold}
            htmlFor="rule-threshold"
            noMargin
          >
            <Input
              id="rule-threshold"
              type="number"
              min={1}
              width={16}
              value={thresholdText}
              onChange={(e) => setThresholdText(e.currentTarget.value)}
            />
          </Field>
          <Field
            label="Window (seconds)"
            description={`The events are counted over this window${windowSeconds ? ` (${formatSeconds(windowSeconds)})` : ''}`}
            invalid={Boolean(errors.time_window_seconds)}
            error={errors.time_window_seconds}
            htmlFor="rule-window"
            noMargin
          >
            <Input
              id="rule-window"
              type="number"
              min={1}
              width={16}
              value={windowText}
              onChange={(e) => setWindowText(e.currentTarget.value)}
            />
          </Field>
          <Stack direction="column" gap={1}>
            <Text color="secondary">
              Replays the last 24 hours of events through the rule as saved; nothing is stored.
            </Text>
            <RuleTester ruleId={rule.rule_id} />
          </Stack>
          {save.error && !server.error_threshold && !server.time_window_seconds && (
            <ErrorAlert title="The rule could not be saved" error={save.error} />
          )}
          <Stack direction="row" gap={1}>
            <Button
              disabled={save.pending || invalid}
              onClick={() =>
                save.run(rule.rule_id, {
                  error_threshold: Number(thresholdText),
                  time_window_seconds: Number(windowText),
                })
              }
            >
              Save
            </Button>
            <Button variant="secondary" onClick={onClose}>
              Cancel
            </Button>
          </Stack>
        </Stack>
      </div>
    </Drawer>
  );
}
