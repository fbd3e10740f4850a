import type { BackendSrv, BackendSrvRequest, FetchError, FetchResponse } from '@grafana/runtime';
import { lastValueFrom, Observable } from 'rxjs';
import { toBackendPath } from './proxyPaths';
import { identityHeaders } from './session';

/*
 * Grafana's BackendSrv, as much of it as plugins use, over the browser's fetch: query parameters,
 * JSON bodies, `FetchResponse`s and `FetchError`s of the same shape, the proxy paths mapped to the
 * backend (proxyPaths.ts), and the API key or the user's name (session.ts).
 */

function urlOf(options: BackendSrvRequest): string {
  const url = new URL(toBackendPath(options.url), window.location.origin);
  for (const [key, value] of Object.entries((options.params ?? {}) as Record<string, unknown>)) {
    for (const one of Array.isArray(value) ? value : [value]) {
      if (one !== undefined && one !== null) {
        url.searchParams.append(key, String(one));
      }
    }
  }
  return url.pathname + url.search;
}

function bodyOf(options: BackendSrvRequest): BodyInit | undefined {
  if (options.data === undefined || options.data === null) {
    return undefined;
  }
  return typeof options.data === 'string' || options.data instanceof FormData
    ? options.data
    : JSON.stringify(options.data);
}

async function readData(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) {
    return undefined;
  }
  const type = response.headers.get('content-type') ?? '';
  return type.includes('json') ? JSON.parse(text) : text;
}

async function send<T>(options: BackendSrvRequest, user: string, signal: AbortSignal): Promise<FetchResponse<T>> {
  const headers: Record<string, string> = { Accept: 'application/json', ...identityHeaders(user), ...options.headers };
  const body = bodyOf(options);
  if (body !== undefined && typeof body === 'string') {
    headers['Content-Type'] ??= 'application/json';
  }
  const method = (options.method ?? 'GET').toUpperCase();
  const response = await fetch(urlOf(options), { method, headers, body, signal, credentials: 'same-origin' });
  const data = (await readData(response)) as T;
  const config = { ...options, method };
  if (!response.ok) {
    const error: FetchError = {
      status: response.status,
      statusText: response.statusText,
      data,
      config,
    };
    throw error;
  }
  return {
    data,
    status: response.status,
    statusText: response.statusText,
    ok: response.ok,
    headers: response.headers,
    redirected: response.redirected,
    type: response.type,
    url: response.url,
    config,
  };
}

/** A BackendSrv that speaks to the backend serving these pages, as `user`. */
export function createBackendSrv(user: string): BackendSrv {
  const fetchObservable = <T>(options: BackendSrvRequest) =>
    new Observable<FetchResponse<T>>((subscriber) => {
      const abort = new AbortController();
      send<T>(options, user, abort.signal).then(
        (response) => {
          subscriber.next(response);
          subscriber.complete();
        },
        (err) => subscriber.error(err)
      );
      return () => abort.abort();
    });
  const request = async <T>(options: BackendSrvRequest): Promise<T> =>
    (await lastValueFrom(fetchObservable<T>(options))).data;
  return {
    fetch: fetchObservable,
    // Deprecated in Grafana, still part of its BackendSrv interface.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    request,
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    datasourceRequest: (options) => lastValueFrom(fetchObservable(options)),
    get: (url, params, requestId, options) => request({ ...options, url, params, requestId }),
    delete: (url, data, options) => request({ ...options, url, data, method: 'DELETE' }),
    post: (url, data, options) => request({ ...options, url, data, method: 'POST' }),
    patch: (url, data, options) => request({ ...options, url, data, method: 'PATCH' }),
    put: (url, data, options) => request({ ...options, url, data, method: 'PUT' }),
    chunked: () => {
      throw new Error('chunked requests are not used by these pages');
    },
  };
}
