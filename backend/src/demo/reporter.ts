/** One event as the demo service sends it to `POST /api/v1/events`. */
export interface DemoEvent {
  event_id: string;
  timestamp: string;
  event_type: string;
  source: string;
  severity: 'info' | 'low' | 'medium' | 'high' | 'critical';
  message: string;
  metadata?: Record<string, unknown>;
  correlation_id: string;
}

export interface ReporterOptions {
  backendUrl: string;
  /** How often the queue is sent. */
  flushMs: number;
  /** Most events kept while the backend is unreachable; the oldest are dropped beyond it. */
  maxQueue?: number;
  /** Most events in one request (the backend's `ingest.max_batch` is 1000 by default). */
  maxBatch?: number;
  /** One request must finish within this. */
  timeoutMs?: number;
}

/** How the reporting goes, for `GET /admin/state`. */
export interface ReporterStats {
  queued: number;
  reported: number;
  /** Dropped because the queue was full while the backend could not be reached. */
  dropped: number;
  /** Refused by the backend with a 4xx (they would be refused again). */
  rejected: number;
  failed_flushes: number;
  last_error: string | null;
}

/**
 * Batches events and sends them every `flushMs`. An unreachable or failing backend keeps the
 * events (bounded) for the next flush; the event ids make a resent batch harmless. Never throws.
 */
export class EventReporter {
  private url: string;
  private readonly maxQueue: number;
  private readonly maxBatch: number;
  private readonly timeoutMs: number;
  private queue: DemoEvent[] = [];
  private timer: NodeJS.Timeout | null = null;
  private inflight: Promise<void> | null = null;
  /** Events of the batch being sent: out of the queue, not delivered yet. */
  private sending = 0;
  private counts = { reported: 0, dropped: 0, rejected: 0, failed_flushes: 0 };
  private lastError: string | null = null;

  constructor(private readonly opts: ReporterOptions) {
    this.url = eventsUrl(opts.backendUrl);
    this.maxQueue = opts.maxQueue ?? 10_000;
    this.maxBatch = opts.maxBatch ?? 1000;
    this.timeoutMs = opts.timeoutMs ?? 5_000;
  }
  /** Reports to another backend from now on (events still queued go there too). */
  retarget(backendUrl: string): void {
    this.url = eventsUrl(backendUrl);
  }


  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.opts.flushMs);
    this.timer.unref();
  }

  push(event: DemoEvent): void {
    this.queue.push(event);
    this.trim();
  }

  stats(): ReporterStats {
    return { queued: this.queue.length + this.sending, ...this.counts, last_error: this.lastError };
  }

  /** Sends what is queued (one batch); resolves when that attempt is over, whatever its outcome. */
  flush(): Promise<void> {
    if (this.inflight) return this.inflight;
    if (this.queue.length === 0) return Promise.resolve();
    this.inflight = this.send().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  /** Stops the timer and makes one last attempt to send what is queued. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.inflight;
    await this.flush();
  }

  private async send(): Promise<void> {
    const batch = this.queue.splice(0, this.maxBatch);
    this.sending = batch.length;
    try {
      const res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(batch),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await res.text().catch(() => '');
      if (res.ok) {
        this.counts.reported += batch.length;
        this.lastError = null;
        return;
      }
      this.lastError = `HTTP ${res.status} from ${this.url}: ${text.slice(0, 200)}`;
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
        this.counts.rejected += batch.length;
        return;
      }
    } catch (err) {
      this.lastError = `${this.url}: ${describe(err)}`;
    } finally {
      this.sending = 0;
    }
    this.counts.failed_flushes++;
    this.queue.unshift(...batch);
    this.trim();
  }

  private trim(): void {
    const excess = this.queue.length - this.maxQueue;
    if (excess > 0) {
      this.queue.splice(0, excess);
      this.counts.dropped += excess;
    }
  }
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
}

function eventsUrl(backendUrl: string): string {
  return `${backendUrl.replace(/\/+$/, '')}/api/v1/events`;
}
