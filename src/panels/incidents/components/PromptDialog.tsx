import React, { useState, type FormEvent } from 'react';
import { Alert, Button, Field, Input, Modal, TextArea } from '@grafana/ui';
import { errorMessage } from '../../../api/errors';

interface Props {
  title: string;
  label: string;
  confirmText: string;
  initial?: string;
  required?: boolean;
  multiline?: boolean;
  /** Does the work; a rejection is shown in the dialog, which stays open. */
  onConfirm: (value: string) => Promise<void>;
  onDismiss: () => void;
}

/** Asks for one value (an assignee, resolution notes) and runs the change with it. */
export function PromptDialog({
  title,
  label,
  confirmText,
  initial = '',
  required,
  multiline,
  onConfirm,
  onDismiss,
}: Props) {
  const [value, setValue] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm(value.trim());
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  const id = 'mahavishnu-prompt-value';
  return (
    <Modal title={title} isOpen onDismiss={onDismiss}>
      <form onSubmit={onSubmit}>
        {error && <Alert severity="error" title={error} />}
        <Field label={label} required={required}>
          {multiline ? (
            <TextArea id={id} rows={3} value={value} onChange={(e) => setValue(e.currentTarget.value)} />
          ) : (
            <Input id={id} value={value} autoFocus onChange={(e) => setValue(e.currentTarget.value)} />
          )}
        </Field>
        <Modal.ButtonRow>
          <Button variant="secondary" fill="outline" onClick={onDismiss}>
            Cancel
          </Button>
          <Button type="submit" disabled={busy || (required && !value.trim())}>
            {confirmText}
          </Button>
        </Modal.ButtonRow>
      </form>
    </Modal>
  );
}
