import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { FAULT_MODES } from './demo-service';

/** Where the command writes; the process's streams unless a test passes its own. */
export interface ControlIO {
  out(text: string): void;
  err(text: string): void;
}

const STDIO: ControlIO = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

/** One answer of the demo service. */
export interface DemoAnswer {
  status: number;
  body: string;
}

/** Sends one request to the demo service; rejects when it cannot be reached in time. */
export async function callDemo(
  url: string,
  method: 'GET' | 'POST',
  path: string,
  opts: { body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {}
): Promise<DemoAnswer> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${url.replace(/\/+$/, '')}${path}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
  });
  return { status: res.status, body: await res.text() };
}

/**
 * `mahavishnu-demo restart|fault <mode>|clear-cache|state --url <demo-url>`: drives the demo
 * service; prints its answer; resolves with 0 when it answered 200, else 1 (2 on a usage error).
 * The backend runs `restart` as the demo's `restart_service` action.
 */
export async function main(argv: string[], io: ControlIO = STDIO): Promise<number> {
  let code = 0;
  const run = async (what: string, url: string, timeout: number, method: 'GET' | 'POST', path: string, extra = {}) => {
    try {
      const answer = await callDemo(url, method, path, { timeoutMs: timeout * 1000, ...extra });
      io.out(`${answer.body}\n`);
      if (answer.status !== 200) {
        io.err(`${what}: the demo service at ${url} answered HTTP ${answer.status}\n`);
        code = 1;
      }
    } catch (err) {
      const cause = (err as { cause?: { message?: string } }).cause?.message;
      io.err(
        `${what}: could not reach the demo service at ${url}: ${(err as Error).message}${cause ? ` (${cause})` : ''}\n`
      );
      code = 1;
    }
  };
  const withUrl = (cmd: Command) =>
    cmd
      .requiredOption('--url <url>', 'the demo service, e.g. http://127.0.0.1:3000', parseUrl)
      .option('--timeout <seconds>', 'give up after this many seconds', parseSeconds, 10);

  const program = new Command('mahavishnu-demo')
    .description('drive the demo shop API of `npm run demo`')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  withUrl(
    program.command('restart').description('restart the service: clears every fault, frees the leak, resets counters')
  ).action((o: { url: string; timeout: number }) => run('restart', o.url, o.timeout, 'POST', '/admin/restart'));
  withUrl(program.command('clear-cache').description('clear the cache (fixes the "error" fault)'))
    .option('--idempotency-key <key>', 'sent as the Idempotency-Key header')
    .action((o: { url: string; timeout: number; idempotencyKey?: string }) =>
      run('clear-cache', o.url, o.timeout, 'POST', '/cache/clear', {
        headers: o.idempotencyKey ? { 'Idempotency-Key': o.idempotencyKey } : {},
      })
    );
  withUrl(program.command('fault').description(`inject a fault: ${FAULT_MODES.join(', ')}`))
    .argument('<mode>', FAULT_MODES.join(' | '), (v: string) => {
      if (!(FAULT_MODES as readonly string[]).includes(v)) {
        throw new InvalidArgumentError(`mode must be one of ${FAULT_MODES.join(', ')}`);
      }
      return v;
    })
    .action((mode: string, o: { url: string; timeout: number }) =>
      run('fault', o.url, o.timeout, 'POST', '/admin/fault', { body: { mode } })
    );
  withUrl(program.command('state').description('print the service state')).action(
    (o: { url: string; timeout: number }) => run('state', o.url, o.timeout, 'GET', '/admin/state')
  );

  try {
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    throw err;
  }
}

function parseUrl(v: string): string {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new InvalidArgumentError(`not a URL: "${v}"`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new InvalidArgumentError(`not an http(s) URL: "${v}"`);
  return v.replace(/\/+$/, '');
}

function parseSeconds(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n > 3600) {
    throw new InvalidArgumentError(`--timeout must be 1..3600 seconds, got "${v}"`);
  }
  return n;
}
