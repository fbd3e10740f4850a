import React, { useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Button, Field, Input, useStyles2 } from '@grafana/ui';
import type { Incident } from '@mahavishnu/wire/incidents';
import type { IncidentsApi } from '../../api/client';
import { useMutation } from '../../api/hooks';
import { testIds } from '../testIds';
import { ErrorAlert } from '../common/Loaded';
import { isActiveStatus } from '../common/vocabulary';

/** One change of an incident's lifecycle, as the buttons ask for it. */
type Change =
  | { kind: 'acknowledge' }
  | { kind: 'assign'; assignee: string | null }
  | { kind: 'resolve'; notes?: string }
  | { kind: 'close' };

function applyChange(api: IncidentsApi, id: string, change: Change): Promise<Incident> {
  switch (change.kind) {
    case 'acknowledge':
      return api.acknowledge(id);
    case 'assign':
      return api.assign(id, change.assignee);
    case 'resolve':
      return api.resolve(id, change.notes);
    case 'close':
      return api.close(id);
  }
}

interface Props {
  incident: Incident;
  /** Heard after each change, to show the incident as it now is. */
  onChanged: () => void;
}

/** The dashboard actions on an incident: Acknowledge, Assign, Resolve (with notes) and Close. */
export function IncidentControls({ incident, onChanged }: Props) {
  const s = useStyles2(getStyles);
  const change = useMutation(applyChange, onChanged);
  const [assignee, setAssignee] = useState(incident.assigned_to ?? '');
  const [notes, setNotes] = useState('');
  const id = incident.incident_id;
  const active = isActiveStatus(incident.status);
  const busy = change.pending;

  return (
    <div data-testid={testIds.incident.controls}>
      {change.error && <ErrorAlert title="The change was refused" error={change.error} />}
      <div className={s.row}>
        <Button
          icon="check"
          disabled={busy || !active || incident.acknowledged_at !== null}
          onClick={() => change.run(id, { kind: 'acknowledge' })}
        >
          Acknowledge
        </Button>
        <Field label="Assignee" htmlFor="incident-assignee" noMargin>
          <Input
            id="incident-assignee"
            width={24}
            value={assignee}
            placeholder="john.doe"
            onChange={(e) => setAssignee(e.currentTarget.value)}
          />
        </Field>
        <Button
          variant="secondary"
          icon="user"
          disabled={busy || !active}
          onClick={() => change.run(id, { kind: 'assign', assignee: assignee.trim() || null })}
        >
          {assignee.trim() ? 'Assign' : 'Unassign'}
        </Button>
        <Field label="Resolution notes" htmlFor="incident-resolve-notes" noMargin>
          <Input
            id="incident-resolve-notes"
            width={36}
            value={notes}
            placeholder="What fixed it"
            onChange={(e) => setNotes(e.currentTarget.value)}
          />
        </Field>
        <Button
          variant="success"
          icon="check-circle"
          disabled={busy || !active}
          onClick={async () => {
            if (await change.run(id, { kind: 'resolve', notes: notes.trim() || undefined })) {
              setNotes('');
            }
          }}
        >
          Resolve
        </Button>
        <Button
          variant="secondary"
          icon="lock"
          disabled={busy || incident.status !== 'resolved'}
          onClick={() => change.run(id, { kind: 'close' })}
        >
          Close
        </Button>
      </div>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  row: css`
    display: flex;
    flex-wrap: wrap;
    align-items: flex-end;
    gap: ${theme.spacing(1)};
    margin: ${theme.spacing(2, 0, 3)};
  `,
});
