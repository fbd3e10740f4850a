import { HttpError } from '../util/errors';

/**
 * The store cannot be reached now (PostgreSQL restarting, failing over, its connections terminated,
 * the network cut): 503 with `Retry-After`. Nothing of the request was acknowledged.
 */
export class StoreUnavailableError extends HttpError {
  constructor(
    readonly driverError: unknown,
    retryAfterSeconds: number
  ) {
    super(503, 'store_unavailable', `store unavailable: ${describeFault(driverError)}; retry later`);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * The store cannot write because its storage is full (or failing): 507 with `Retry-After`. Nothing
 * of the request was acknowledged; writes work again once space is freed.
 */
export class StorageFullError extends HttpError {
  constructor(
    readonly driverError: unknown,
    retryAfterSeconds: number
  ) {
    super(507, 'storage_full', `storage full: ${describeFault(driverError)}; retry once space is freed`);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export type StoreFault = StoreUnavailableError | StorageFullError;

export type FaultKind = 'unavailable' | 'full';

/** PostgreSQL SQLSTATEs of a server going away or refusing connections (class 08, 57P01-57P03, 53300). */
const PG_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '53300']);
/** Node's socket errors of a database that is not there, or not answering. */
const NET_UNAVAILABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EAI_AGAIN']);
/** What `pg` and its pool say when a connection breaks or cannot be had in time. */
const PG_LOST = [
  'connection terminated',
  'timeout exceeded when trying to connect',
  'not queryable',
  'query read timeout',
  'connection timeout',
  'server closed the connection unexpectedly',
];

/**
 * Which kind of store fault an error from a database driver is, if any: `unavailable` (connection
 * lost, refused or timed out) or `full` (no space to write: SQLite's SQLITE_FULL and its write I/O
 * errors, ENOSPC, PostgreSQL's 53100 `disk_full` and "could not extend file"). Anything else (a
 * constraint, a bug, SQLite's SQLITE_BUSY) is none: it stays what it is.
 */
export function classifyFault(err: unknown): FaultKind | null {
  if (err instanceof StoreUnavailableError) {
    return 'unavailable';
  }
  if (err instanceof StorageFullError) {
    return 'full';
  }
  let unavailable = false;
  for (const e of causes(err)) {
    const code = typeof e.code === 'string' ? e.code : '';
    const message = typeof e.message === 'string' ? e.message.toLowerCase() : '';
    if (code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR') || code === 'ENOSPC' || code === '53100' || code === 'EDQUOT') {
      return 'full';
    }
    if (message.includes('database or disk is full') || message.includes('could not extend file') || message.includes('no space left on device')) {
      return 'full';
    }
    if (PG_UNAVAILABLE.has(code) || (code.length === 5 && code.startsWith('08')) || NET_UNAVAILABLE.has(code)) {
      unavailable = true;
    } else if (PG_LOST.some((m) => message.includes(m))) {
      unavailable = true;
    }
  }
  return unavailable ? 'unavailable' : null;
}

/** The typed error for a store fault (`err` itself when it already is one); null when it is none. */
export function toStoreFault(err: unknown, retryAfterSeconds: number): StoreFault | null {
  if (err instanceof StoreUnavailableError || err instanceof StorageFullError) {
    return err;
  }
  switch (classifyFault(err)) {
    case 'unavailable':
      return new StoreUnavailableError(err, retryAfterSeconds);
    case 'full':
      return new StorageFullError(err, retryAfterSeconds);
    default:
      return null;
  }
}

/** The driver's words for a fault, with its code and errno when it has them (no URL or password: drivers do not put them in messages). */
export function describeFault(err: unknown): string {
  const e = (err ?? {}) as { message?: unknown; code?: unknown; errors?: unknown };
  let message = typeof e.message === 'string' && e.message ? e.message : String(err);
  // Node's AggregateError (each address of a host refused) has an empty message: its first error says it.
  if (!message || message === 'AggregateError') {
    const first = Array.isArray(e.errors) ? (e.errors[0] as { message?: string } | undefined) : undefined;
    message = first?.message ?? 'connection failed';
  }
  const code = typeof e.code === 'string' ? e.code : undefined;
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

interface ErrorLike {
  code?: unknown;
  message?: unknown;
}

/** The error, the errors it aggregates and its causes (drivers wrap socket errors), at most a few deep. */
function causes(err: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  const visit = (e: unknown, depth: number) => {
    if (!e || typeof e !== 'object' || depth > 3) {
      return;
    }
    out.push(e as ErrorLike);
    const { cause, errors } = e as { cause?: unknown; errors?: unknown };
    visit(cause, depth + 1);
    if (Array.isArray(errors)) {
      for (const inner of errors.slice(0, 4)) {
        visit(inner, depth + 1);
      }
    }
  };
  visit(err, 0);
  return out;
}
