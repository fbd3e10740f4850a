import type { ChildProcess } from 'node:child_process';

/** One answer to an ingest request, as the client saw it (`status` null: no answer, the connection broke). */
export interface Answer {
  at: number;
  status: number | null;
  retryAfter: string | null;
  code?: string;
  message?: string;
  ids: string[];
}

/**
 * Clients posting batches of events without pause until stopped, recording every answer and the ids
 * of what was acknowledged (202). After a refusal a client waits a little, as a client that retries would.
 */
export class IngestLoad {
  readonly answers: Answer[] = [];
  readonly acked = new Set<string>();
  private running = false;
  private workers: Array<Promise<void>> = [];
  private n = 0;

  constructor(
    private readonly url: string,
    private readonly opts: { clients: number; batch: number; prefix: string; pauseMs?: number }
  ) {}

  start(): void {
    this.running = true;
    this.workers = Array.from({ length: this.opts.clients }, (_, w) => this.worker(w));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
  }

  /** Answers from `from` on (epoch ms). */
  since(from: number): Answer[] {
    return this.answers.filter((a) => a.at >= from);
  }

  private async worker(w: number): Promise<void> {
    while (this.running) {
      const i = this.n++;
      const base = Date.now() - 60_000;
      const batch = Array.from({ length: this.opts.batch }, (_, k) => ({
        event_id: `${this.opts.prefix}_${w}_${i}_${k}`,
        event_type: k % 5 === 0 ? 'job_error' : 'job_ok',
        source: `svc-${(w + k) % 16}`,
        message: 'load',
        timestamp: new Date(base + k).toISOString(),
      }));
      const ids = batch.map((e) => e.event_id);
      const answer = await postEvents(this.url, batch, ids);
      this.answers.push(answer);
      if (answer.status === 202) {
        ids.forEach((id) => this.acked.add(id));
      } else {
        await new Promise((r) => setTimeout(r, this.opts.pauseMs ?? 50));
      }
    }
  }
}

/** Posts one batch; never throws (a broken connection is an answer with no status). */
export async function postEvents(url: string, batch: unknown[], ids: string[] = []): Promise<Answer> {
  try {
    const res = await fetch(`${url}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(batch) });
    const text = await res.text();
    let body: any = null;
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
    return { at: Date.now(), status: res.status, retryAfter: res.headers.get('retry-after'), code: body?.error?.code, message: body?.error?.message, ids };
  } catch {
    return { at: Date.now(), status: null, retryAfter: null, ids };
  }
}

/** What `/readyz` answered, polled until stopped. */
export class ReadyWatch {
  readonly seen: Array<{ at: number; status: number | null; code?: string; message?: string }> = [];
  private running = true;
  private loop: Promise<void>;

  constructor(url: string, everyMs = 100) {
    this.loop = (async () => {
      while (this.running) {
        try {
          const res = await fetch(`${url}/readyz`);
          const body: any = await res.json().catch(() => null);
          this.seen.push({ at: Date.now(), status: res.status, code: body?.error?.code, message: body?.error?.message });
        } catch {
          this.seen.push({ at: Date.now(), status: null });
        }
        await new Promise((r) => setTimeout(r, everyMs));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}

/** The JSON log lines a backend process writes (to stderr), with when each arrived. */
export class LogWatch {
  readonly lines: Array<{ at: number; level: number; msg: string; raw: string }> = [];
  private partial = '';

  constructor(child: ChildProcess) {
    child.stderr!.on('data', (d: Buffer) => {
      const text = this.partial + d.toString('utf8');
      const parts = text.split('\n');
      this.partial = parts.pop() ?? '';
      for (const raw of parts) {
        try {
          const j = JSON.parse(raw);
          this.lines.push({ at: Date.now(), level: j.level, msg: String(j.msg ?? ''), raw });
        } catch {
          this.lines.push({ at: Date.now(), level: 0, msg: raw, raw });
        }
      }
    });
  }

  matching(re: RegExp): Array<{ at: number; msg: string; raw: string }> {
    return this.lines.filter((l) => re.test(l.msg));
  }
}

/** Polls until `fn` is truthy; returns when it became so (epoch ms). Fails after `ms`. */
export async function when(what: string, fn: () => Promise<unknown> | unknown, ms = 30_000, everyMs = 25): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await fn()) {
      return Date.now();
    }
    if (Date.now() - start > ms) {
      throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function statusOf(url: string): Promise<number | null> {
  try {
    const res = await fetch(url);
    await res.arrayBuffer();
    return res.status;
  } catch {
    return null;
  }
}
