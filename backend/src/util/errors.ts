import type { z } from 'zod';

/** A field and what is wrong with it. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** An error that the API answers with its own status and code; anything else is a 500. */
export class HttpError extends Error {
  /** When to try again, sent as Retry-After (limits that free up with time, elections). */
  retryAfterSeconds?: number;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: FieldProblem[]
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends HttpError {
  constructor(message: string, details: FieldProblem[] = []) {
    super(400, 'invalid_request', message, details);
  }

  /** Names each failing field, prefixed with where it came from (`body`, `query`, `events[3]`). */
  static fromZod(error: z.ZodError, prefix = ''): ValidationError {
    const details = error.issues.map((issue) => ({
      field: joinPath(prefix, issue.path),
      message: issue.message,
    }));
    const first = details[0];
    const summary = first ? `${first.field || 'body'}: ${first.message}` : 'invalid request';
    return new ValidationError(summary, details);
  }
}

/** No valid credential: 401, with what to send. */
export class UnauthorizedError extends HttpError {
  constructor(message: string) {
    super(401, 'unauthorized', message);
  }
}

/** A valid credential whose role may not do this: 403. */
export class ForbiddenError extends HttpError {
  constructor(message: string) {
    super(403, 'forbidden', message);
  }
}

export class NotFoundError extends HttpError {
  constructor(message: string) {
    super(404, 'not_found', message);
  }
}

export class ConflictError extends HttpError {
  constructor(message: string) {
    super(409, 'conflict', message);
  }
}

/** A limit that frees up with time (a rate budget): 429 with Retry-After. */
export class TooManyRequestsError extends HttpError {
  constructor(code: string, message: string, retryAfterSeconds: number) {
    super(429, code, message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export class PayloadTooLargeError extends HttpError {
  constructor(message: string) {
    super(413, 'payload_too_large', message);
  }
}

export class UnsupportedMediaTypeError extends HttpError {
  constructor(message: string) {
    super(415, 'unsupported_media_type', message);
  }
}

export class UnavailableError extends HttpError {
  constructor(message: string, retryAfterSeconds?: number) {
    super(503, 'unavailable', message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

function joinPath(prefix: string, path: PropertyKey[]): string {
  let out = prefix;
  for (const part of path) {
    if (typeof part === 'number') {
      out += `[${part}]`;
    } else {
      out += out ? `.${String(part)}` : String(part);
    }
  }
  return out;
}
