import React from 'react';
import { Alert, Button, Text } from '@grafana/ui';
import type { RuleTestResult } from '@mahavishnu/wire/rules';
import type { IncidentsApi } from '../../api/client';
import { useMutation } from '../../api/hooks';
import { testIds } from '../testIds';
import { SeverityBadge } from '../common/Badges';
import { ErrorAlert } from '../common/Loaded';
import { SimpleTable } from '../common/SimpleTable';
import { formatTime } from '../common/format';

/** The events a test replays: the newest of the last day. */
export const TEST_EVENTS = { since: '24h', limit: 1000 } as const;

/** Replays the recent events through the saved rule; a dry run stores nothing. `null` when there were none. */
async function testOnRecentEvents(api: IncidentsApi, ruleId: string): Promise<RuleTestResult | null> {
  const events = await api.listEvents(TEST_EVENTS);
  return events.length ? api.testRule(ruleId, events, true) : null;
}

/** "Test this rule": which incidents the rule, as saved, would open on the last day's events. */
export function RuleTester({ ruleId }: { ruleId: string }) {
  const test = useMutation(testOnRecentEvents);
  return (
    <div data-testid={testIds.rules.tester}>
      <Button variant="secondary" icon="bolt" disabled={test.pending} onClick={() => test.run(ruleId)}>
        Test this rule
      </Button>
      {test.error && <ErrorAlert title="The test failed" error={test.error} />}
      {test.result === null && <Text color="secondary"> No events in the last 24 hours to test on.</Text>}
      {test.result && <TestResult result={test.result} />}
    </div>
  );
}

function TestResult({ result }: { result: RuleTestResult }) {
  const n = result.incidents.length;
  return (
    <Alert severity={n ? 'warning' : 'info'} title={`Would open ${n} incident${n === 1 ? '' : 's'}`}>
      {result.events_matched} of {result.events_evaluated} recent events match.
      {n > 0 && (
        <SimpleTable
          headers={['Detected', 'Severity', 'Events', 'Components', 'Group']}
          rows={result.incidents.map((i) => ({
            key: `${i.group_key}-${i.detected_at}`,
            cells: [
              formatTime(i.detected_at),
              <SeverityBadge key="severity" severity={i.severity} />,
              i.event_count,
              i.affected_components.join(', '),
              i.group_key,
            ],
          }))}
        />
      )}
    </Alert>
  );
}
