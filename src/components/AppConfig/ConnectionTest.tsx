import React from 'react';
import { Alert, Button, Stack, Text } from '@grafana/ui';
import type { IncidentsApi } from '../../api/client';
import { useMutation } from '../../api/hooks';
import { testIds } from '../testIds';
import { ErrorAlert } from '../common/Loaded';

const askStats = (api: IncidentsApi) => api.stats();

/**
 * Asks the backend for its statistics through the app's proxy, which uses the saved settings: save first,
 * then test.
 */
export function ConnectionTest() {
  const test = useMutation(askStats);
  return (
    <Stack direction="column" gap={1}>
      <Stack direction="row" gap={1} alignItems="center">
        <Button
          type="button"
          variant="secondary"
          icon="heart-rate"
          data-testid={testIds.appConfig.testConnection}
          disabled={test.pending}
          onClick={() => test.run()}
        >
          Test connection
        </Button>
        <Text color="secondary">Uses the saved settings.</Text>
      </Stack>
      {test.error && <ErrorAlert title="The backend did not answer" error={test.error} />}
      {test.result && !test.error && (
        <Alert severity="success" title="Connected to the Mahavishnu backend">
          {test.result.total_incidents} incidents, {test.result.active_incidents} active.
        </Alert>
      )}
    </Stack>
  );
}
