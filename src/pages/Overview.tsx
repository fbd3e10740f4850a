import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { LinkButton, Stack, useStyles2 } from '@grafana/ui';
import { testIds } from '../components/testIds';
import { ROUTES } from '../constants';
import { prefixRoute } from '../utils/utils.routing';

function Overview() {
  const s = useStyles2(getStyles);

  return (
    <PluginPage>
      <div data-testid={testIds.overview.container}>
        <p>
          Mahavishnu turns alerts from Grafana and Alertmanager into incidents: it counts matching events against
          detection rules, correlates related alerts and tracks each incident until it is resolved.
        </p>
        <div className={s.actions}>
          <Stack direction="row" gap={1}>
            <LinkButton href={prefixRoute(ROUTES.Incidents)}>View incidents</LinkButton>
            <LinkButton variant="secondary" href={prefixRoute(ROUTES.Rules)}>
              View detection rules
            </LinkButton>
          </Stack>
        </div>
      </div>
    </PluginPage>
  );
}

export default Overview;

const getStyles = (theme: GrafanaTheme2) => ({
  actions: css`
    margin-top: ${theme.spacing(2)};
  `,
});
