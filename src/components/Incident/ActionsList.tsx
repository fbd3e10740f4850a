import React, { useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Badge, Button, Field, Input, Stack, Text, useStyles2 } from '@grafana/ui';
import type { ActionRun, Approval, RemediationAction } from '@mahavishnu/wire/remediation';
import type { ActionApproval } from '@mahavishnu/wire/security';
import type { IncidentsApi } from '../../api/client';
import { errorCode } from '../../api/errors';
import { useMutation } from '../../api/hooks';
import { testIds } from '../testIds';
import { ActionStateBadge, RiskBadge } from '../common/Badges';
import { ErrorAlert } from '../common/Loaded';
import { formatTime } from '../common/format';

const APPROVAL_TEXT: Record<Approval, string> = {
  none: 'No approval needed',
  responder: "Needs an on-call responder's approval",
  lead: "Needs a team lead's approval",
};

interface Props {
  incidentId: string;
  actions: RemediationAction[];
  /** Heard after each run, to show the actions' new states. */
  onChanged: () => void;
}

/** The remediation actions recommended for an incident, each with Run and Dry run. */
export function ActionsList({ incidentId, actions, onChanged }: Props) {
  if (actions.length === 0) {
    return <Text color="secondary">No remediation action is recommended for this incident.</Text>;
  }
  return (
    <Stack direction="column" gap={2}>
      {actions.map((action) => (
        <ActionItem key={action.action_id} incidentId={incidentId} action={action} onChanged={onChanged} />
      ))}
    </Stack>
  );
}

interface RunRequest {
  incidentId: string;
  actionId: string;
  dryRun: boolean;
  approvedBy?: string;
}

function runAction(api: IncidentsApi, r: RunRequest): Promise<ActionRun> {
  return api.runAction(r.incidentId, r.actionId, { dry_run: r.dryRun, approved_by: r.approvedBy });
}

function approveAction(api: IncidentsApi, r: Omit<RunRequest, 'dryRun'>): Promise<ActionApproval> {
  return api.approveAction(r.incidentId, r.actionId, { approved_by: r.approvedBy });
}

function ActionItem({
  incidentId,
  action,
  onChanged,
}: {
  incidentId: string;
  action: RemediationAction;
  onChanged: () => void;
}) {
  const s = useStyles2(getStyles);
  const [approvedBy, setApprovedBy] = useState('');
  const [lastRun, setLastRun] = useState<ActionRun>();
  const run = useMutation(runAction, (result: ActionRun) => {
    setLastRun(result);
    onChanged();
  });
  const [approval, setApproval] = useState<ActionApproval>();
  const approve = useMutation(approveAction, (result: ActionApproval) => {
    setApproval(result);
    onChanged();
  });
  const needsApproval = action.approval !== 'none';
  const start = (dryRun: boolean) =>
    run.run({ incidentId, actionId: action.action_id, dryRun, approvedBy: approvedBy.trim() || undefined });
  const inputId = `approved-by-${action.action_id}`;
  const shown = lastRun ?? latestRun(action.runs);

  return (
    <div className={s.card} data-testid={testIds.incident.action(action.action_id)}>
      <Stack direction="row" gap={1} alignItems="center" wrap="wrap">
        <Text weight="medium">{action.title}</Text>
        <RiskBadge risk={action.risk} />
        <ActionStateBadge state={action.state} />
        {action.automatic && <Badge text="automatic" color="purple" />}
        <Text color="secondary" variant="bodySmall">
          {APPROVAL_TEXT[action.approval]} · {action.executor} executor
        </Text>
      </Stack>
      <p className={s.description}>{action.description}</p>
      <div className={s.controls}>
        {needsApproval && (
          <Field label="Approved by" htmlFor={inputId} noMargin>
            <Input
              id={inputId}
              width={24}
              value={approvedBy}
              placeholder={action.approval === 'lead' ? 'team lead' : 'on-call responder'}
              onChange={(e) => setApprovedBy(e.currentTarget.value)}
            />
          </Field>
        )}
        <Button icon="play" disabled={run.pending} onClick={() => start(false)}>
          Run
        </Button>
        <Button variant="secondary" icon="eye" disabled={run.pending} onClick={() => start(true)}>
          Dry run
        </Button>
        {needsApproval && (
          <Button
            variant="secondary"
            icon="check"
            disabled={approve.pending}
            tooltip="Approve the next run of this action on this incident, by whoever runs it, until the approval expires"
            onClick={() =>
              approve.run({ incidentId, actionId: action.action_id, approvedBy: approvedBy.trim() || undefined })
            }
          >
            Approve
          </Button>
        )}
      </div>
      {approve.error && <ErrorAlert title={errorCode(approve.error) ?? 'The approval failed'} error={approve.error} />}
      {approval && !approve.error && (
        <Alert severity="success" title={`Approved by ${approval.approved_by}`}>
          The next run of this action uses it; it stands until {formatTime(approval.expires_at)}.
        </Alert>
      )}
      {run.error && <ErrorAlert title={errorCode(run.error) ?? 'The run failed'} error={run.error} />}
      {shown && !run.error && <RunSummary run={shown} />}
    </div>
  );
}

function RunSummary({ run }: { run: ActionRun }) {
  const severity = run.status === 'failed' ? 'error' : run.status === 'succeeded' ? 'success' : 'info';
  const title = run.dry_run ? 'Dry run: nothing was changed' : `Run ${run.status}`;
  return (
    <Alert severity={severity} title={title}>
      {formatTime(run.finished_at ?? run.queued_at)}
      {run.requested_by && ` · requested by ${run.requested_by}`}
      {run.approved_by && ` · approved by ${run.approved_by}`}
      {run.detail && <div>{run.detail}</div>}
      {run.output && <pre>{run.output}</pre>}
    </Alert>
  );
}

function latestRun(runs: ActionRun[]): ActionRun | undefined {
  return runs.reduce<ActionRun | undefined>(
    (latest, r) => (!latest || r.queued_at >= latest.queued_at ? r : latest),
    undefined
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  card: css`
    padding: ${theme.spacing(2)};
    background: ${theme.colors.background.secondary};
    border: 1px solid ${theme.colors.border.weak};
    border-radius: ${theme.shape.radius.default};
  `,
  description: css`
    margin: ${theme.spacing(1, 0)};
  `,
  controls: css`
    display: flex;
    flex-wrap: wrap;
    align-items: flex-end;
    gap: ${theme.spacing(1)};
    margin-bottom: ${theme.spacing(1)};
  `,
});
