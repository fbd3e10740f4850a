import React, { type ChangeEvent } from 'react';
import type { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { Field, FieldSet, Input, SecretInput } from '@grafana/ui';
import type { IncidentsOptions, IncidentsSecureJsonData } from '../types';

type Props = DataSourcePluginOptionsEditorProps<IncidentsOptions, IncidentsSecureJsonData>;

const URL_EXAMPLE = 'http://127.0.0.1:8080';

/** The backend's URL, and its API key, which the browser only ever sees as "configured". */
export function ConfigEditor({ options, onOptionsChange }: Props) {
  const { jsonData, secureJsonFields, secureJsonData } = options;

  const onUrlChange = (e: ChangeEvent<HTMLInputElement>) =>
    onOptionsChange({ ...options, jsonData: { ...jsonData, url: e.currentTarget.value.trim() } });

  const onApiKeyChange = (e: ChangeEvent<HTMLInputElement>) =>
    onOptionsChange({ ...options, secureJsonData: { ...secureJsonData, apiKey: e.currentTarget.value } });

  const onResetApiKey = () =>
    onOptionsChange({
      ...options,
      secureJsonFields: { ...secureJsonFields, apiKey: false },
      secureJsonData: { ...secureJsonData, apiKey: '' },
    });

  return (
    <FieldSet label="Mahavishnu backend">
      <Field label="Backend URL" description="Where Grafana's server reaches the Mahavishnu backend">
        <Input
          id="mahavishnu-ds-url"
          width={60}
          value={jsonData.url ?? ''}
          placeholder={URL_EXAMPLE}
          onChange={onUrlChange}
        />
      </Field>
      <Field
        label="API key"
        description="A key of a backend role that may read; Grafana stores it encrypted and adds it to each proxied request"
      >
        <SecretInput
          id="mahavishnu-ds-api-key"
          width={60}
          isConfigured={Boolean(secureJsonFields?.apiKey)}
          value={secureJsonData?.apiKey ?? ''}
          placeholder="Backend API key"
          onChange={onApiKeyChange}
          onReset={onResetApiKey}
        />
      </Field>
    </FieldSet>
  );
}
