import React from 'react';
import { useParams } from 'react-router-dom';
import { PluginPage } from '@grafana/runtime';
import { LinkButton } from '@grafana/ui';
import { useIncident } from '../api/hooks';
import { testIds } from '../components/testIds';
import { Loaded } from '../components/common/Loaded';
import { Section } from '../components/common/Section';
import { ActionsList } from '../components/Incident/ActionsList';
import { IncidentControls } from '../components/Incident/IncidentControls';
import { IncidentSummary } from '../components/Incident/IncidentSummary';
import { Notes } from '../components/Incident/Notes';
import { Postmortem } from '../components/Incident/Postmortem';
import { Timeline } from '../components/Incident/Timeline';
import { ROUTES, incidentUrl } from '../constants';
import { prefixRoute } from '../utils/utils.routing';

/** One incident: its details, lifecycle buttons, remediation actions, timeline, notes and post-mortem. */
function Incident() {
  const { id = '' } = useParams();
  const incident = useIncident(id);

  return (
    <PluginPage
      pageNav={{ text: id, url: incidentUrl(id) }}
      actions={
        <LinkButton variant="secondary" icon="arrow-left" href={prefixRoute(ROUTES.Incidents)}>
          All incidents
        </LinkButton>
      }
    >
      <div data-testid={testIds.incident.container}>
        <Loaded state={incident} what={`incident ${id}`}>
          {(inc) => (
            <>
              <IncidentSummary incident={inc} />
              <IncidentControls incident={inc} onChanged={incident.reload} />
              <Section title="Remediation actions">
                <ActionsList incidentId={inc.incident_id} actions={inc.actions ?? []} onChanged={incident.reload} />
              </Section>
              <Section title="Timeline">
                <Timeline entries={inc.timeline ?? []} />
              </Section>
              <Section title="Notes">
                <Notes notes={inc.notes} />
              </Section>
              <Section title="Post-mortem">
                <Postmortem incidentId={inc.incident_id} markdown={inc.postmortem} />
              </Section>
            </>
          )}
        </Loaded>
      </div>
    </PluginPage>
  );
}

export default Incident;
