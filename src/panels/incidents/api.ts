import { getBackendSrv } from '@grafana/runtime';
import { lastValueFrom } from 'rxjs';
import type { ActionRun, Incident, IncidentFilters, RemediationAction, RunActionBody } from './types';

/**
 * The panel's one way to the backend: the app plugin's proxy routes, which add the API key of the
 * Grafana user's role (reading for Viewers, responding for Editors).
 */
export const API_BASE = '/api/plugin-proxy/mahavishnu-incidents-app/api/v1';

/** A refused or failed request, with the backend's message (`{error: {message}}`) and the HTTP status. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status?: number
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function request<T>(
  method: 'GET' | 'POST',
  path: string,
  options: { params?: object; data?: object } = {}
): Promise<T> {
  try {
    const response = await lastValueFrom(
      getBackendSrv().fetch<T>({ url: `${API_BASE}${path}`, method, showErrorAlert: false, ...options })
    );
    return response.data;
  } catch (err) {
    const e = (err ?? {}) as {
      status?: number;
      statusText?: string;
      data?: { message?: string; error?: { message?: string } };
    };
    throw new ApiError(e.data?.error?.message ?? e.data?.message ?? e.statusText ?? 'request failed', e.status);
  }
}

const incident = (id: string) => `/incidents/${encodeURIComponent(id)}`;

/** Incidents newest first; filters left empty are not sent. */
export function listIncidents(filters: IncidentFilters): Promise<Incident[]> {
  const params = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined && v !== ''));
  return request('GET', '/incidents', { params });
}

export function acknowledge(id: string): Promise<Incident> {
  return request('POST', `${incident(id)}/acknowledge`, { data: {} });
}

/** Assigns to `who`, or unassigns with null. */
export function assign(id: string, who: string | null): Promise<Incident> {
  return request('POST', `${incident(id)}/assign`, { data: { assignee: who } });
}

export function resolve(id: string, notes?: string): Promise<Incident> {
  return request('POST', `${incident(id)}/resolve`, { data: notes ? { notes } : {} });
}

/** The recommended and executed remediation actions of an incident. */
export function actions(id: string): Promise<RemediationAction[]> {
  return request('GET', `${incident(id)}/actions`);
}

export function runAction(id: string, actionId: string, body: RunActionBody): Promise<ActionRun> {
  return request('POST', `${incident(id)}/actions/${encodeURIComponent(actionId)}`, { data: body });
}
