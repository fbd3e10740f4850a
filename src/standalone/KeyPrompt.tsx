import React, { useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Button, Field, Input, useStyles2 } from '@grafana/ui';

interface Props {
  /** Tries the key; resolves false when the backend refuses it. */
  onKey: (key: string) => Promise<boolean>;
}

/**
 * Asked when the backend requires API keys (it listens beyond loopback, or keys were created): inside
 * Grafana its proxy adds them; standalone, the person gives theirs.
 */
export function KeyPrompt({ onKey }: Props) {
  const s = useStyles2(getStyles);
  const [key, setKey] = useState('');
  const [refused, setRefused] = useState(false);
  const [pending, setPending] = useState(false);
  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setPending(true);
    setRefused(!(await onKey(key.trim())));
    setPending(false);
  };
  return (
    <form className={s.box} onSubmit={submit}>
      <h2>This backend requires an API key</h2>
      <p>
        Sign in with a key an admin created for you (
        <code>mahavishnu incidents keys create --name you --role responder</code>). It is kept for this tab only, and
        what you do is recorded under its name.
      </p>
      <Field label="API key" htmlFor="standalone-api-key">
        <Input
          id="standalone-api-key"
          type="password"
          value={key}
          onChange={(e) => setKey(e.currentTarget.value)}
          autoFocus
        />
      </Field>
      {refused && <Alert severity="error" title="The backend refused this key: it is unknown or revoked" />}
      <Button type="submit" disabled={pending || !key.trim()}>
        Sign in
      </Button>
    </form>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  box: css({ maxWidth: 560, margin: theme.spacing(8, 'auto'), padding: theme.spacing(3) }),
});
