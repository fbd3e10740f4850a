import {
  dataFrameFromJSON,
  LoadingState,
  rangeUtil,
  type AnnotationEvent,
  type DataFrame,
  type DataFrameJSON,
  type DataQueryError,
  type DataQueryResponse,
  type MetricFindValue,
} from '@grafana/data';
import type { MahavishnuClient } from '@mahavishnu/wire/client';
import type { DsFrame, DsQueryResponse } from '@mahavishnu/wire/datasource';
import { ApiError } from '../../api/client';
import { errorMessage } from '../../api/errors';
import { QUERY_TYPE_INFO } from './queryTypes';
import type { IncidentsQuery } from './types';

/*
 * The translation between Grafana's query model and the backend's `POST /api/v1/query`, as plain
 * functions: the datasource class only wires them to the client. The wire shapes are the backend's own
 * (its datasource schema, through the shared client).
 */

/** The body of `POST /api/v1/query`, as the client sends it; times in epoch milliseconds. */
export type BackendRequest = Parameters<MahavishnuClient['query']>[0];

/** One query as the backend reads it: the refId, the type and only that type's filters. */
export type BackendQuery = BackendRequest['queries'][number];

/** Each refId's answer: its frames, or the error of a query that failed while it ran (a 404 timeline). */
export type BackendResponse = DsQueryResponse;

/** Resolves dashboard variables in a filter's text. */
export type Interpolate = (text: string) => string;

/**
 * The backend query of a panel's query: the filters of its type, variables resolved, empty ones left
 * out (the backend reads them as unset anyway); the bucket goes out as `intervalMs`.
 */
export function toBackendQuery(query: IncidentsQuery, interpolate: Interpolate): BackendQuery {
  const info = QUERY_TYPE_INFO[query.queryType];
  if (!info) {
    throw new Error(`Unknown query type "${query.queryType}"`);
  }
  const out: Record<string, string | number> = { refId: query.refId, queryType: query.queryType };
  for (const name of info.filters) {
    const raw = query[name];
    const value = typeof raw === 'string' ? interpolate(raw).trim() : raw;
    if (value === undefined || value === '' || Number.isNaN(value)) {
      continue;
    }
    if (name === 'interval') {
      out.intervalMs = rangeUtil.intervalToMs(String(value));
    } else {
      out[name] = value;
    }
  }
  // The filters are those of the query's type (QUERY_TYPE_INFO); the backend checks their values.
  return out as BackendQuery;
}

/**
 * The backend filters by one value. A multi-value variable with one value selected gives that value;
 * with several, or "All", it gives no filter rather than a value that matches nothing.
 */
export function singleValue(value: unknown): string {
  if (Array.isArray(value)) {
    return value.length === 1 ? String(value[0]) : '';
  }
  return value === undefined || value === null ? '' : String(value);
}

/** Grafana's response: every frame in the order of the queries, and each refId's error on that refId. */
export function toDataQueryResponse(answer: BackendResponse, refIds: readonly string[]): DataQueryResponse {
  const data: DataFrame[] = [];
  const errors: DataQueryError[] = [];
  for (const refId of refIds) {
    const result = answer.results[refId];
    if (!result) {
      continue;
    }
    if (result.error) {
      errors.push({ refId, message: result.error, status: result.status });
    }
    data.push(...result.frames.map((frame) => ({ ...toDataFrame(frame), refId })));
  }
  return errors.length ? { data, errors, state: LoadingState.Error } : { data };
}

/** The frames of one refId, read as Grafana frames; its error, if any, thrown. */
export function framesOf(answer: BackendResponse, refId: string): DataFrame[] {
  const result = answer.results[refId];
  if (result?.error) {
    throw new Error(result.error);
  }
  return (result?.frames ?? []).map(toDataFrame);
}

/** A backend frame is Grafana's `DataFrameJSON`, its field types written as the strings of Grafana's `FieldType`. */
function toDataFrame(frame: DsFrame): DataFrame {
  return dataFrameFromJSON(frame as DataFrameJSON);
}

function column(frame: DataFrame, name: string): unknown[] {
  return frame.fields.find((f) => f.name === name)?.values ?? [];
}

/** The 'annotations' frames as regions: detection to resolution (or to the range's end while open). */
export function toAnnotationEvents(frames: DataFrame[]): AnnotationEvent[] {
  return frames.flatMap((frame) => {
    const [time, timeEnd, title, text, tags, id, color] = [
      'time',
      'timeEnd',
      'title',
      'text',
      'tags',
      'id',
      'color',
    ].map((name) => column(frame, name));
    return Array.from({ length: frame.length }, (_, k): AnnotationEvent => {
      const start = Number(time[k]);
      const end = timeEnd[k] === null || timeEnd[k] === undefined ? start : Number(timeEnd[k]);
      return {
        id: id[k] === undefined ? undefined : String(id[k]),
        time: start,
        timeEnd: end,
        isRegion: end > start,
        title: String(title[k] ?? ''),
        text: String(text[k] ?? ''),
        tags: Array.isArray(tags[k]) ? (tags[k] as unknown[]).map(String) : [],
        color: color[k] === undefined ? undefined : String(color[k]),
      };
    });
  });
}

/** The 'variables' frames (`text`, `value`) as a variable's options. */
export function toMetricFindValues(frames: DataFrame[]): MetricFindValue[] {
  return frames.flatMap((frame) => {
    const text = column(frame, 'text');
    const value = column(frame, 'value');
    return Array.from({ length: frame.length }, (_, k) => ({
      text: String(text[k]),
      value: String(value[k] ?? text[k]),
    }));
  });
}

/**
 * What went wrong with a request through Grafana's proxy: the backend's message, or Grafana's own
 * (an unreachable URL is a 502), with the HTTP status.
 */
export function fetchErrorMessage(err: unknown): string {
  const message = errorMessage(err);
  const status = statusOf(err);
  if (status === 401) {
    return `${message} (401: check the API key)`;
  }
  return status ? `${message} (${status})` : message;
}

/** The HTTP status of a refused request. */
export function statusOf(err: unknown): number | undefined {
  return err instanceof ApiError ? err.status : undefined;
}
