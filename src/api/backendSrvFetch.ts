import { getBackendSrv, isFetchError } from '@grafana/runtime';
import { lastValueFrom } from 'rxjs';

/** The backend's API prefix, as the shared client writes its paths. */
const API_V1 = /^\/api\/v1(?=\/|$)/;

/** What a caller tells BackendSrv about its requests besides where they go. */
export interface BackendSrvOptions {
  /** Lets Grafana cancel a request that a newer one of the same id replaces (a panel's refresh). */
  requestId?: string;
  /** Cancels the request, e.g. when Grafana stops listening to a query. */
  signal?: AbortSignal;
}

/**
 * A `fetch` for the shared client that sends each request through Grafana's BackendSrv, as Grafana wants
 * of plugins inside it: under `apiPath`, the proxy path that stands for the backend's `/api/v1` (the app's
 * `api/v1` routes, or a datasource's `api` route), with the query as parameters and the body as data.
 *
 * Grafana answers a refusal by throwing; it is handed back to the client as the answer it was, so that the
 * client makes its one `ApiError` of it, with the backend's message and status.
 */
export function backendSrvFetch(apiPath: string, { requestId, signal }: BackendSrvOptions = {}): typeof fetch {
  return async (input, init = {}) => {
    const url = new URL(typeof input === 'object' && 'url' in input ? input.url : String(input));
    const params = Object.fromEntries(url.searchParams);
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    try {
      const response = await lastValueFrom(
        getBackendSrv().fetch<unknown>({
          url: url.pathname.replace(API_V1, apiPath),
          method: init.method ?? 'GET',
          params: Object.keys(params).length ? params : undefined,
          data: body,
          requestId,
          abortSignal: signal,
          showErrorAlert: false,
        })
      );
      return answer(response.status, response.statusText ?? '', response.data);
    } catch (err) {
      if (isFetchError(err) && err.status >= 200) {
        return answer(err.status, err.statusText ?? '', err.data);
      }
      // Nothing answered (Grafana itself is unreachable): the client reports the backend unreachable.
      throw err;
    }
  };
}

/**
 * BackendSrv's answer as the part of a fetch `Response` that the client reads. Not a `Response` itself:
 * jsdom, where the plugin's tests run, has none.
 */
function answer(status: number, statusText: string, data: unknown): Response {
  const text = data === undefined || data === null ? '' : typeof data === 'string' ? data : JSON.stringify(data);
  const read: Pick<Response, 'ok' | 'status' | 'statusText' | 'text' | 'json'> = {
    ok: status >= 200 && status < 300,
    status,
    statusText,
    text: async () => text,
    json: async () => JSON.parse(text),
  };
  return read as Response;
}
