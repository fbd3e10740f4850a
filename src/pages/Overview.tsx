import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Button, LinkButton, useStyles2 } from '@grafana/ui';
import { testIds } from '../components/testIds';
import { Loaded } from '../components/common/Loaded';
import { Section } from '../components/common/Section';
import { IncidentTable } from '../components/Incidents/IncidentTable';
import { ComponentStatus } from '../components/Overview/ComponentStatus';
import { IncidentMetrics } from '../components/Overview/IncidentMetrics';
import { OverviewStats } from '../components/Overview/OverviewStats';
import { RecentActivity } from '../components/Overview/RecentActivity';
import { useOverview } from '../components/Overview/useOverview';
import { ROUTES } from '../constants';
import { prefixRoute } from '../utils/utils.routing';

/** The incident dashboard: overview, active incidents, recent activity, metrics and component status. */
function Overview() {
  const s = useStyles2(getStyles);
  const { active, stats, activity, resolvedToday, reload } = useOverview();

  return (
    <PluginPage
      actions={
        <Button variant="secondary" icon="sync" onClick={reload}>
          Refresh
        </Button>
      }
    >
      <div data-testid={testIds.overview.container}>
        <p>
          Mahavishnu turns alerts from Grafana and Alertmanager into incidents: it counts matching events against
          detection rules, correlates related alerts and tracks each incident until it is resolved.
        </p>
        <Loaded state={active} what="the active incidents">
          {(incidents) => (
            <>
              <OverviewStats active={incidents} resolvedToday={resolvedToday} avgMttr={stats.data?.avg_mttr} />
              <Section
                title={`Active incidents (${incidents.length})`}
                actions={<LinkButton href={prefixRoute(ROUTES.Incidents)}>View incidents</LinkButton>}
              >
                <IncidentTable incidents={incidents} compact />
              </Section>
              <div className={s.columns}>
                <Section title="Recent activity">
                  <Loaded state={activity} what="the recent activity">
                    {(entries) => <RecentActivity entries={entries} />}
                  </Loaded>
                </Section>
                <Section title="Component status">
                  <ComponentStatus active={incidents} />
                </Section>
              </div>
            </>
          )}
        </Loaded>
        <Section
          title="Incident metrics (last 24h)"
          actions={
            <LinkButton variant="secondary" href={prefixRoute(ROUTES.Rules)}>
              View detection rules
            </LinkButton>
          }
        >
          <Loaded state={stats} what="the metrics">
            {(data) => <IncidentMetrics stats={data} />}
          </Loaded>
        </Section>
      </div>
    </PluginPage>
  );
}

export default Overview;

const getStyles = (theme: GrafanaTheme2) => ({
  columns: css`
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(360px, 1fr));
    gap: ${theme.spacing(4)};
  `,
});
