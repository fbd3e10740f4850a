import React from 'react';
import { PluginPage } from '@grafana/runtime';
import { testIds } from '../components/testIds';

function Incidents() {
  return (
    <PluginPage>
      <div data-testid={testIds.incidents.container}>
        <p>
          Incidents come from the Mahavishnu backend. Each incident groups the correlated alerts that opened it, with
          its severity, its status and who acknowledged it.
        </p>
      </div>
    </PluginPage>
  );
}

export default Incidents;
