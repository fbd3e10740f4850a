import http from 'node:http';
import { performance } from 'node:perf_hooks';

/** One server-sent event, with the `performance.now()` at which its bytes arrived. */
export interface SseEvent {
  event: string;
  data: string;
  receivedAt: number;
}

/** An open subscription. */
export interface SseSubscription {
  /** Closes the connection. */
  close(): void;
  /** Resolves when the connection ends (closed by either side). */
  closed: Promise<void>;
}

/**
 * Opens `GET path` as an event stream on its own connection (no agent) and calls `onEvent`
 * for each complete event (comments are skipped). Resolves once the 200 answer's headers
 * arrived; rejects on another status, an error, or no answer within `timeoutMs`.
 */
export function subscribe(
  host: string,
  port: number,
  path: string,
  onEvent: (e: SseEvent) => void,
  timeoutMs = 10_000
): Promise<SseSubscription> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let endClosed!: () => void;
    const closed = new Promise<void>((r) => (endClosed = r));
    const req = http.get({ host, port, path, agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
      clearTimeout(timer);
      if (res.statusCode !== 200) {
        settled = true;
        res.resume();
        reject(new Error(`GET ${path}: HTTP ${res.statusCode}`));
        return;
      }
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk: string) => {
        const at = performance.now();
        buffer += chunk;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const e = parseBlock(block, at);
          if (e) {
            onEvent(e);
          }
        }
      });
      res.on('close', endClosed);
      res.on('error', () => undefined);
      settled = true;
      resolve({ close: () => req.destroy(), closed });
    });
    const timer = setTimeout(() => req.destroy(new Error(`GET ${path}: no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      endClosed();
      if (!settled) {
        settled = true;
        reject(err);
      }
    });
  });
}

function parseBlock(block: string, receivedAt: number): SseEvent | null {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) {
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) {
      value = value.slice(1);
    }
    if (field === 'event') {
      event = value;
    } else if (field === 'data') {
      data.push(value);
    }
  }
  return data.length ? { event, data: data.join('\n'), receivedAt } : null;
}
