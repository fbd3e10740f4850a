import React from 'react';
import { render, screen } from '@testing-library/react';
import { PluginType } from '@grafana/data';
import AppConfig, { AppConfigProps } from './AppConfig';
import { testIds } from 'components/testIds';

describe('Components/AppConfig', () => {
  const renderWithMeta = (meta: Partial<AppConfigProps['plugin']['meta']>) => {
    const plugin = {
      meta: {
        id: 'mahavishnu-incidents-app',
        name: 'Incident Response',
        type: PluginType.app,
        enabled: true,
        jsonData: {},
        ...meta,
      },
    };

    // @ts-ignore - We don't need to provide `addConfigPage()` and `setChannelSupport()` for these tests
    return render(<AppConfig plugin={plugin} query={{}} />);
  };

  beforeEach(() => {
    jest.resetAllMocks();
  });

  test('renders the backend settings with the default URL and an empty API key', () => {
    renderWithMeta({ enabled: false });

    expect(screen.getByRole('group', { name: /mahavishnu backend/i })).toBeInTheDocument();
    expect(screen.getByLabelText(/backend url/i)).toHaveValue('http://127.0.0.1:8080');
    expect(screen.getByTestId(testIds.appConfig.apiUrl)).toBeInTheDocument();
    expect(screen.getByLabelText(/api key/i)).toHaveValue('');
    expect(screen.getByTestId(testIds.appConfig.apiKey)).toHaveAttribute('type', 'password');
    // Nothing to save until an API key is entered.
    expect(screen.getByRole('button', { name: /save settings/i })).toBeDisabled();
  });

  test('shows the saved URL and a configured API key without revealing it', () => {
    renderWithMeta({
      jsonData: { apiUrl: 'http://backend:8080' },
      secureJsonFields: { apiKey: true },
    });

    expect(screen.getByLabelText(/backend url/i)).toHaveValue('http://backend:8080');
    expect(screen.getByLabelText(/api key/i)).toHaveValue('configured');
    expect(screen.getByLabelText(/api key/i)).toBeDisabled();
    expect(screen.getByRole('button', { name: /reset/i })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /save settings/i })).toBeEnabled();
  });
});
