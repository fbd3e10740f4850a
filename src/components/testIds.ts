export const testIds = {
  appConfig: {
    apiUrl: 'data-testid ac-api-url',
    readKey: 'data-testid ac-read-key',
    respondKey: 'data-testid ac-respond-key',
    adminKey: 'data-testid ac-admin-key',
    submit: 'data-testid ac-submit-form',
    testConnection: 'data-testid ac-test-connection',
  },
  overview: {
    container: 'data-testid pg-overview-container',
    stats: 'data-testid pg-overview-stats',
    metrics: 'data-testid pg-overview-metrics',
    components: 'data-testid pg-overview-components',
    activity: 'data-testid pg-overview-activity',
  },
  incidents: {
    container: 'data-testid pg-incidents-container',
    filters: 'data-testid pg-incidents-filters',
  },
  incidentTable: {
    container: 'data-testid incident-table',
  },
  incident: {
    container: 'data-testid pg-incident-container',
    summary: 'data-testid pg-incident-summary',
    controls: 'data-testid pg-incident-controls',
    timeline: 'data-testid pg-incident-timeline',
    postmortem: 'data-testid pg-incident-postmortem',
    action: (actionId: string) => `data-testid pg-incident-action-${actionId}`,
  },
  rules: {
    container: 'data-testid pg-rules-container',
    table: 'data-testid pg-rules-table',
    editor: 'data-testid pg-rules-editor',
    tester: 'data-testid pg-rules-tester',
    createForm: 'data-testid pg-rules-create-form',
  },
};
