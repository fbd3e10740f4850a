import React from 'react';
import { PluginPage } from '@grafana/runtime';
import { testIds } from '../components/testIds';

function Rules() {
  return (
    <PluginPage>
      <div data-testid={testIds.rules.container}>
        <p>
          Detection rules decide when alerts become an incident: the Mahavishnu backend counts the events a rule matches
          within its time window and opens an incident once the threshold is reached.
        </p>
      </div>
    </PluginPage>
  );
}

export default Rules;
