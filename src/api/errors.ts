import { ApiError } from './client';

/**
 * What to tell the user about a failed call: the backend's own message where it sent one. Errors of Grafana's
 * proxy itself (no route, backend unreachable) arrive as `{"message": ...}`, which is unwrapped.
 */
export function errorMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (message.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(message);
      if (parsed && typeof parsed === 'object' && 'message' in parsed && typeof parsed.message === 'string') {
        return parsed.message;
      }
    } catch {
      // not JSON after all: the text as it came
    }
  }
  return message;
}

/** The backend's error code (`approval_required`, `invalid_request`, ...), when the backend answered. */
export function errorCode(err: unknown): string | undefined {
  return err instanceof ApiError ? err.code : undefined;
}

/**
 * The field errors of a 400, keyed by the field's path in the request body (`rule_id`, `match.event_types`);
 * the backend names them `body.<path>`.
 */
export function fieldErrors(err: unknown): Record<string, string> {
  if (!(err instanceof ApiError)) {
    return {};
  }
  const out: Record<string, string> = {};
  for (const d of err.details) {
    const field = d.field.replace(/^body\.?/, '');
    out[field] ??= d.message;
  }
  return out;
}
