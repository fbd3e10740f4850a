import React, { useEffect, useState } from 'react';
import { Alert, Button, Field, Input, LoadingPlaceholder, Menu, Modal } from '@grafana/ui';
import { useClient } from '../../../api/context';
import { errorMessage } from '../../../api/errors';
import type { ActionRun, Approval, Incident, RemediationAction } from '../types';

interface Props {
  incident: Incident;
  onRan: (action: RemediationAction, run: ActionRun) => void;
  onDismiss: () => void;
}

const APPROVAL_TEXT: Record<Approval, string> = {
  none: '',
  responder: 'needs the approval of an on-call responder',
  lead: 'needs the approval of a team lead',
};

/** The incident's remediation actions as a small menu; one that needs an approval asks who approved it. */
export function RunActionDialog({ incident, onRan, onDismiss }: Props) {
  const api = useClient();
  const [list, setList] = useState<RemediationAction[]>();
  const [loadError, setLoadError] = useState<string>();
  const [chosen, setChosen] = useState<RemediationAction>();
  const [approvedBy, setApprovedBy] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  useEffect(() => {
    let current = true;
    api.actions(incident.incident_id).then(
      (found) => current && setList(found),
      (err: unknown) => current && setLoadError(errorMessage(err))
    );
    return () => {
      current = false;
    };
  }, [api, incident.incident_id]);

  const needsApproval = Boolean(chosen && chosen.approval !== 'none');

  const onRun = async () => {
    if (!chosen) {
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const run = await api.runAction(
        incident.incident_id,
        chosen.action_id,
        needsApproval ? { approved_by: approvedBy.trim() } : {}
      );
      onRan(chosen, run);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <Modal title={`Run an action: ${incident.title}`} isOpen onDismiss={onDismiss}>
      {loadError && <Alert severity="error" title={`Cannot load the actions: ${loadError}`} />}
      {!list && !loadError && <LoadingPlaceholder text="Loading actions..." />}
      {list?.length === 0 && <p>No remediation action is recommended for this incident.</p>}
      {list && list.length > 0 && (
        <Menu ariaLabel="Remediation actions">
          {list.map((a) => (
            <Menu.Item
              key={a.action_id}
              label={a.title}
              description={[`${a.risk} risk`, a.state, APPROVAL_TEXT[a.approval]].filter(Boolean).join(' · ')}
              active={chosen?.action_id === a.action_id}
              ariaChecked={chosen?.action_id === a.action_id}
              role="menuitemradio"
              onClick={() => setChosen(a)}
            />
          ))}
        </Menu>
      )}
      {chosen && needsApproval && (
        <Field label="Approved by" description={`${chosen.title} ${APPROVAL_TEXT[chosen.approval]}`} required>
          <Input
            id="mahavishnu-approved-by"
            value={approvedBy}
            onChange={(e) => setApprovedBy(e.currentTarget.value)}
          />
        </Field>
      )}
      {error && <Alert severity="error" title={error} />}
      <Modal.ButtonRow>
        <Button variant="secondary" fill="outline" onClick={onDismiss}>
          Cancel
        </Button>
        <Button icon="bolt" disabled={!chosen || busy || (needsApproval && !approvedBy.trim())} onClick={onRun}>
          Run
        </Button>
      </Modal.ButtonRow>
    </Modal>
  );
}
