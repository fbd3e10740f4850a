import React, { useState } from 'react';
import { Button, Dropdown, IconButton, Menu, Stack } from '@grafana/ui';
import { useClient } from '../../../api/context';
import { errorMessage } from '../../../api/errors';
import type { Incident } from '../types';
import { PromptDialog } from './PromptDialog';
import { RunActionDialog } from './RunActionDialog';

interface Props {
  incident: Incident;
  /** One menu button instead of four buttons, for a small tile. */
  compact: boolean;
  /** After a change: what to tell the user; the panel then reads the list again. */
  onChanged: (notice: string) => void;
  onError: (message: string) => void;
}

type Dialog = 'assign' | 'run' | 'resolve';

/** Acknowledge, Assign, Run action and Resolve for one incident, as buttons or as one menu. */
export function IncidentActions({ incident, compact, onChanged, onError }: Props) {
  const api = useClient();
  const [dialog, setDialog] = useState<Dialog>();
  const id = incident.incident_id;
  const open = incident.status !== 'resolved' && incident.status !== 'closed';
  const canAcknowledge = open && !incident.acknowledged_at;

  const onAcknowledge = () =>
    api.acknowledge(id).then(
      () => onChanged(`Acknowledged ${incident.title}`),
      (err: unknown) => onError(`Cannot acknowledge ${incident.title}: ${errorMessage(err)}`)
    );
  const done = (notice: string) => {
    setDialog(undefined);
    onChanged(notice);
  };

  const items = [
    { label: 'Acknowledge', icon: 'check' as const, disabled: !canAcknowledge, onClick: onAcknowledge },
    { label: 'Assign', icon: 'user' as const, disabled: !open, onClick: () => setDialog('assign') },
    { label: 'Run action', icon: 'bolt' as const, disabled: !open, onClick: () => setDialog('run') },
    { label: 'Resolve', icon: 'check-circle' as const, disabled: !open, onClick: () => setDialog('resolve') },
  ];

  return (
    <>
      {compact ? (
        <Dropdown
          overlay={
            <Menu>
              {items.map((item) => (
                <Menu.Item key={item.label} {...item} />
              ))}
            </Menu>
          }
        >
          <IconButton name="ellipsis-v" aria-label={`Respond to ${incident.title}`} />
        </Dropdown>
      ) : (
        <Stack gap={0.5} wrap="nowrap">
          {items.map(({ label, disabled, onClick }) => (
            <Button key={label} size="sm" variant="secondary" disabled={disabled} onClick={onClick}>
              {label}
            </Button>
          ))}
        </Stack>
      )}
      {dialog === 'assign' && (
        <PromptDialog
          title={`Assign: ${incident.title}`}
          label="Assignee"
          confirmText="Assign"
          initial={incident.assigned_to ?? ''}
          required
          onConfirm={async (who) => {
            await api.assign(id, who);
            done(`Assigned ${incident.title} to ${who}`);
          }}
          onDismiss={() => setDialog(undefined)}
        />
      )}
      {dialog === 'resolve' && (
        <PromptDialog
          title={`Resolve: ${incident.title}`}
          label="Resolution notes"
          confirmText="Resolve"
          multiline
          onConfirm={async (notes) => {
            await api.resolve(id, notes || undefined);
            done(`Resolved ${incident.title}`);
          }}
          onDismiss={() => setDialog(undefined)}
        />
      )}
      {dialog === 'run' && (
        <RunActionDialog
          incident={incident}
          onRan={(action, run) =>
            done(`${action.title} on ${incident.title}: ${run.status}${run.detail ? ` (${run.detail})` : ''}`)
          }
          onDismiss={() => setDialog(undefined)}
        />
      )}
    </>
  );
}
