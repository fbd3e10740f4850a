import React, { ChangeEvent, FormEvent, useState } from 'react';
import { lastValueFrom } from 'rxjs';
import { css } from '@emotion/css';
import { AppPluginMeta, GrafanaTheme2, PluginConfigPageProps, PluginMeta } from '@grafana/data';
import { getBackendSrv } from '@grafana/runtime';
import { Button, Field, FieldSet, Input, SecretInput, Stack, useStyles2 } from '@grafana/ui';
import { testIds } from '../testIds';
import { ConnectionTest } from './ConnectionTest';

type AppPluginSettings = {
  apiUrl?: string;
};

/** The backend's three API keys; the proxy routes of plugin.json send the one of the Grafana user's role. */
type KeyName = 'readKey' | 'respondKey' | 'adminKey';

const KEYS: Array<{ name: KeyName; label: string; description: string; testId: string }> = [
  {
    name: 'readKey',
    label: 'Read key',
    description: "Sent with Viewers' requests: incidents, rules, statistics, post-mortems",
    testId: testIds.appConfig.readKey,
  },
  {
    name: 'respondKey',
    label: 'Respond key',
    description: "Sent with Editors' changes: acknowledge, assign, resolve, close, run actions",
    testId: testIds.appConfig.respondKey,
  },
  {
    name: 'adminKey',
    label: 'Admin key',
    description: "Sent with Admins' changes of detection rules",
    testId: testIds.appConfig.adminKey,
  },
];

type State = {
  // The URL of the Mahavishnu backend.
  apiUrl: string;
  // The keys typed on this page; Grafana never sends a saved key back to the browser.
  keys: Record<KeyName, string>;
  // Whether each key is saved (and not reset on this page).
  configured: Record<KeyName, boolean>;
};

const DEFAULT_API_URL = 'http://127.0.0.1:8080';

export interface AppConfigProps extends PluginConfigPageProps<AppPluginMeta<AppPluginSettings>> {}

const AppConfig = ({ plugin }: AppConfigProps) => {
  const s = useStyles2(getStyles);
  const { enabled, pinned, jsonData, secureJsonFields } = plugin.meta;
  const saved: Record<KeyName, boolean> = {
    readKey: Boolean(secureJsonFields?.readKey),
    respondKey: Boolean(secureJsonFields?.respondKey),
    adminKey: Boolean(secureJsonFields?.adminKey),
  };
  const [state, setState] = useState<State>({
    apiUrl: jsonData?.apiUrl || DEFAULT_API_URL,
    keys: { readKey: '', respondKey: '', adminKey: '' },
    configured: saved,
  });

  const isSubmitDisabled = !state.apiUrl;

  const onResetKey = (name: KeyName) =>
    setState({
      ...state,
      keys: { ...state.keys, [name]: '' },
      configured: { ...state.configured, [name]: false },
    });

  const onChangeUrl = (event: ChangeEvent<HTMLInputElement>) =>
    setState({ ...state, apiUrl: event.target.value.trim() });

  const onChangeKey = (name: KeyName) => (event: ChangeEvent<HTMLInputElement>) =>
    setState({ ...state, keys: { ...state.keys, [name]: event.target.value.trim() } });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    // Save through the API instead of letting the browser submit (and reload) the page.
    event.preventDefault();
    if (isSubmitDisabled) {
      return;
    }

    // A saved key cannot be read back, so only keys typed here (or reset to empty) are sent; the others stay as they are.
    const secureJsonData: Partial<Record<KeyName, string>> = {};
    for (const { name } of KEYS) {
      if (!state.configured[name] && (state.keys[name] !== '' || saved[name])) {
        secureJsonData[name] = state.keys[name];
      }
    }

    updatePluginAndReload(plugin.meta.id, {
      enabled,
      pinned,
      jsonData: {
        apiUrl: state.apiUrl,
      },
      secureJsonData: Object.keys(secureJsonData).length ? secureJsonData : undefined,
    });
  };

  return (
    <form onSubmit={onSubmit}>
      <FieldSet label="Mahavishnu backend">
        <Field label="Backend URL" description="Where Grafana reaches the Mahavishnu backend">
          <Input
            width={60}
            name="apiUrl"
            id="config-api-url"
            data-testid={testIds.appConfig.apiUrl}
            value={state.apiUrl}
            placeholder={DEFAULT_API_URL}
            onChange={onChangeUrl}
          />
        </Field>

        {KEYS.map(({ name, label, description, testId }) => (
          <Field
            key={name}
            label={label}
            description={`${description}. Create it as Grafana's proxy key (\`keys create --grafana-proxy\`), so the backend records who acted. Grafana stores it encrypted and never sends it back to the browser.`}
            className={s.marginTop}
          >
            <SecretInput
              width={60}
              id={`config-${name}`}
              data-testid={testId}
              name={name}
              value={state.keys[name]}
              isConfigured={state.configured[name]}
              placeholder={`Backend ${label.toLowerCase()}`}
              onChange={onChangeKey(name)}
              onReset={() => onResetKey(name)}
            />
          </Field>
        ))}

        <Stack direction="column" gap={2}>
          <div className={s.marginTop}>
            <Button type="submit" data-testid={testIds.appConfig.submit} disabled={isSubmitDisabled}>
              Save settings
            </Button>
          </div>
          <ConnectionTest />
        </Stack>
      </FieldSet>
    </form>
  );
};

export default AppConfig;

const getStyles = (theme: GrafanaTheme2) => ({
  marginTop: css`
    margin-top: ${theme.spacing(3)};
  `,
});

const updatePluginAndReload = async (pluginId: string, data: Partial<PluginMeta<AppPluginSettings>>) => {
  try {
    await updatePlugin(pluginId, data);

    // Reloading the page as the changes made here wouldn't be propagated to the actual plugin otherwise.
    // This is not ideal, however unfortunately currently there is no supported way for updating the plugin state.
    window.location.reload();
  } catch (e) {
    console.error('Error while updating the plugin', e);
  }
};

const updatePlugin = async (pluginId: string, data: Partial<PluginMeta>) => {
  const response = await getBackendSrv().fetch({
    url: `/api/plugins/${pluginId}/settings`,
    method: 'POST',
    data,
  });

  return lastValueFrom(response);
};
