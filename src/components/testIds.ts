export const testIds = {
  appConfig: {
    apiKey: 'data-testid ac-api-key',
    apiUrl: 'data-testid ac-api-url',
    submit: 'data-testid ac-submit-form',
  },
  overview: {
    container: 'data-testid pg-overview-container',
  },
  incidents: {
    container: 'data-testid pg-incidents-container',
  },
  rules: {
    container: 'data-testid pg-rules-container',
  },
};
