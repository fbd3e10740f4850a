import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Text, useStyles2 } from '@grafana/ui';
import { useIncidents } from '../api/hooks';
import { testIds } from '../components/testIds';
import { Loaded } from '../components/common/Loaded';
import { ExportButtons } from '../components/Incidents/ExportButtons';
import { IncidentFilters } from '../components/Incidents/IncidentFilters';
import { IncidentTable } from '../components/Incidents/IncidentTable';
import { useIncidentFilters } from '../components/Incidents/useIncidentFilters';

/** At most this many incidents are listed (and exported), newest first. */
const LIST_LIMIT = 1000;

/** The incident list, filtered by the URL's query string, with CSV and JSON export. */
function Incidents() {
  const s = useStyles2(getStyles);
  const [filters, setFilters] = useIncidentFilters();
  const incidents = useIncidents({ ...filters, limit: LIST_LIMIT });

  return (
    <PluginPage>
      <div data-testid={testIds.incidents.container}>
        <p>
          Incidents come from the Mahavishnu backend. Each incident groups the correlated alerts that opened it, with
          its severity, its status and who acknowledged it.
        </p>
        <IncidentFilters filters={filters} onChange={setFilters} />
        <Loaded state={incidents} what="incidents">
          {(list) => (
            <>
              <div className={s.toolbar}>
                <Text color="secondary">
                  {list.length} incident{list.length === 1 ? '' : 's'}
                </Text>
                <ExportButtons incidents={list} />
              </div>
              <IncidentTable incidents={list} />
              {list.length >= LIST_LIMIT && (
                <Text color="secondary">
                  Showing the newest {LIST_LIMIT} incidents; narrow the filters to see others.
                </Text>
              )}
            </>
          )}
        </Loaded>
      </div>
    </PluginPage>
  );
}

export default Incidents;

const getStyles = (theme: GrafanaTheme2) => ({
  toolbar: css`
    display: flex;
    align-items: center;
    justify-content: space-between;
    margin-bottom: ${theme.spacing(1)};
  `,
});
