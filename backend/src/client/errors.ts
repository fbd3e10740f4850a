/** The backend answered with an error (`{"error": {code, message, details}}`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Array<{ field: string; message: string }> = []
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Nothing answered at the backend's URL. */
export class UnreachableError extends Error {
  constructor(readonly url: string, readonly reason: string) {
    super(`backend not reachable at ${url} (${reason}): start it with \`mahavishnu incidents start\` or pass --url`);
    this.name = 'UnreachableError';
  }
}
