import React, { useState } from 'react';
import { Alert, Button, Combobox, Drawer, Field, Input, RadioButtonGroup, Stack, Switch, TextArea } from '@grafana/ui';
import type { DetectionRule } from '@mahavishnu/wire/rules';
import type { IncidentsApi } from '../../api/client';
import { fieldErrors } from '../../api/errors';
import { useMutation } from '../../api/hooks';
import { testIds } from '../testIds';
import { ErrorAlert } from '../common/Loaded';
import { SEVERITY_LABELS, TYPE_LABELS, optionsOf } from '../common/vocabulary';
import {
  EMPTY_RULE_FORM,
  ruleFormToBody,
  validateRuleForm,
  type FieldErrors,
  type RuleCreateBody,
  type RuleForm,
} from './ruleForm';

interface Props {
  onClose: () => void;
  onCreated: (rule: DetectionRule) => void;
}

const createRule = (api: IncidentsApi, body: RuleCreateBody) => api.createRule(body);

const TYPE_OPTIONS = optionsOf(TYPE_LABELS);
const SEVERITY_OPTIONS = optionsOf(SEVERITY_LABELS);

/** A form for a custom rule: checked as typed, then by the backend, whose field errors are shown at their fields. */
export function CreateRuleDrawer({ onClose, onCreated }: Props) {
  const [form, setForm] = useState<RuleForm>(EMPTY_RULE_FORM);
  const [submitted, setSubmitted] = useState(false);
  const create = useMutation(createRule, onCreated);
  const local = validateRuleForm(form);
  const { placed, unplaced } = placeServerErrors(fieldErrors(create.error));
  // The form's own errors show once the user tried to save; the backend's until the next attempt.
  const errors: FieldErrors = { ...(submitted ? local : {}), ...placed };
  const set = <K extends keyof RuleForm>(key: K, value: RuleForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const text = (key: keyof RuleForm) => (e: React.FormEvent<HTMLInputElement | HTMLTextAreaElement>) =>
    set(key, e.currentTarget.value);

  const submit = () => {
    setSubmitted(true);
    if (Object.keys(local).length === 0) {
      create.run(ruleFormToBody(form));
    }
  };

  return (
    <Drawer title="New custom rule" onClose={onClose} size="md">
      <form
        data-testid={testIds.rules.createForm}
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Stack direction="column" gap={2}>
          <Field label="Rule ID" htmlFor="new-rule-id" invalid={!!errors.rule_id} error={errors.rule_id} noMargin>
            <Input id="new-rule-id" value={form.rule_id} placeholder="checkout_errors" onChange={text('rule_id')} />
          </Field>
          <Field label="Name" htmlFor="new-rule-name" invalid={!!errors.name} error={errors.name} noMargin>
            <Input id="new-rule-name" value={form.name} placeholder="Checkout errors" onChange={text('name')} />
          </Field>
          <Field
            label="Description"
            htmlFor="new-rule-description"
            invalid={!!errors.description}
            error={errors.description}
            noMargin
          >
            <TextArea id="new-rule-description" rows={2} value={form.description} onChange={text('description')} />
          </Field>
          <Field label="Incident type" htmlFor="new-rule-type" noMargin>
            <Combobox
              id="new-rule-type"
              options={TYPE_OPTIONS}
              value={form.incident_type}
              onChange={(option) => set('incident_type', option.value)}
            />
          </Field>
          <Field label="Severity" noMargin>
            <RadioButtonGroup options={SEVERITY_OPTIONS} value={form.severity} onChange={(v) => set('severity', v)} />
          </Field>
          <Stack direction="row" gap={2}>
            <Field
              label="Threshold"
              htmlFor="new-rule-threshold"
              invalid={!!errors.error_threshold}
              error={errors.error_threshold}
              noMargin
            >
              <Input
                id="new-rule-threshold"
                type="number"
                width={14}
                value={form.error_threshold}
                onChange={text('error_threshold')}
              />
            </Field>
            <Field
              label="Window (seconds)"
              htmlFor="new-rule-window"
              invalid={!!errors.time_window_seconds}
              error={errors.time_window_seconds}
              noMargin
            >
              <Input
                id="new-rule-window"
                type="number"
                width={14}
                value={form.time_window_seconds}
                onChange={text('time_window_seconds')}
              />
            </Field>
          </Stack>
          <Field
            label="Event types"
            description="Comma-separated; * matches any run of characters"
            htmlFor="new-rule-event-types"
            invalid={!!errors['match.event_types']}
            error={errors['match.event_types']}
            noMargin
          >
            <Input
              id="new-rule-event-types"
              value={form.event_types}
              placeholder="payment_error, checkout_*"
              onChange={text('event_types')}
            />
          </Field>
          <Field
            label="Sources"
            description="Comma-separated; empty for any"
            htmlFor="new-rule-sources"
            invalid={!!errors['match.sources']}
            error={errors['match.sources']}
            noMargin
          >
            <Input id="new-rule-sources" value={form.sources} placeholder="checkout" onChange={text('sources')} />
          </Field>
          <Field label="Enabled" htmlFor="new-rule-enabled" noMargin>
            <Switch id="new-rule-enabled" value={form.enabled} onChange={() => set('enabled', !form.enabled)} />
          </Field>
          {create.error && Object.keys(placed).length === 0 && unplaced.length === 0 && (
            <ErrorAlert title="The rule could not be created" error={create.error} />
          )}
          {unplaced.length > 0 && (
            <Alert severity="error" title="The rule could not be created">
              <ul>
                {unplaced.map(([field, message]) => (
                  <li key={field}>
                    {field}: {message}
                  </li>
                ))}
              </ul>
            </Alert>
          )}
          <Stack direction="row" gap={1}>
            <Button type="submit" disabled={create.pending}>
              Create rule
            </Button>
            <Button variant="secondary" onClick={onClose}>
              Cancel
            </Button>
          </Stack>
        </Stack>
      </form>
    </Drawer>
  );
}

/** The body fields that have a place in the form; the backend's errors on others go to the alert. */
const PLACED_FIELDS = [
  'rule_id',
  'name',
  'description',
  'error_threshold',
  'time_window_seconds',
  'match.event_types',
  'match.sources',
];

/** Puts each of the backend's field errors at the form's field it concerns (`match.event_types[1]` at the event types). */
function placeServerErrors(server: FieldErrors): { placed: FieldErrors; unplaced: Array<[string, string]> } {
  const placed: FieldErrors = {};
  const unplaced: Array<[string, string]> = [];
  for (const [path, message] of Object.entries(server)) {
    const field = PLACED_FIELDS.find((f) => path === f || path.startsWith(`${f}[`) || path.startsWith(`${f}.`));
    if (field) {
      placed[field] ??= message;
    } else {
      unplaced.push([path || 'body', message]);
    }
  }
  return { placed, unplaced };
}
