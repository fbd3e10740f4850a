import React, { type ReactNode } from 'react';
import { Alert, LoadingPlaceholder } from '@grafana/ui';
import type { Loadable } from '../../api/hooks';
import { errorMessage } from '../../api/errors';

interface Props<T> {
  state: Loadable<T>;
  /** What could not be loaded, for the error's title: "incidents", "the rules". */
  what: string;
  children: (data: T) => ReactNode;
}

/** Shows the data once it arrived; before that a placeholder, and the error when a request failed. */
export function Loaded<T>({ state, what, children }: Props<T>) {
  return (
    <>
      {state.error && <ErrorAlert title={`Could not load ${what}`} error={state.error} />}
      {state.data !== undefined
        ? children(state.data)
        : !state.error && <LoadingPlaceholder text={`Loading ${what}...`} />}
    </>
  );
}

/** A failed call, with the backend's message. */
export function ErrorAlert({ title, error }: { title: string; error: unknown }) {
  return (
    <Alert severity="error" title={title}>
      {errorMessage(error)}
    </Alert>
  );
}
