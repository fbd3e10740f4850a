import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OutboundGuard } from '../../../security/outbound';
import { createHttpClient } from '../../../util/http-client';
import { testContext } from '../test-context';
import { createHttpExecutor, HttpExecutorConfigSchema, HTTP_OUTPUT_LIMIT } from '.';

interface Recorded {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A loopback server that records every request and answers with `handler`. */
async function startServer(handler: Handler = (_req, res) => res.end('ok')) {
  const requests: Recorded[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { base, requests, close };
}

// The test servers listen on 127.0.0.1, which these tests name in the allowlist as an operator would.
const http = createHttpClient({ outbound: new OutboundGuard({ allowlist: ['127.0.0.1'] }) });

function executor(cfg: Record<string, unknown>) {
  return createHttpExecutor(HttpExecutorConfigSchema.parse({ kind: 'http', ...cfg }), { http });
}

const ctx = testContext({ params: { service: 'api gateway/1', reason: 'said "stop" {now}' } });

describe('http executor against a loopback server', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  afterEach(async () => server?.close());

  it('templates method, URL, headers and a JSON body from the incident and sends the Idempotency-Key', async () => {
    server = await startServer();
    const exec = executor({
      method: 'PUT',
      url: `${server.base}/services/{{ params.service }}/restart?incident={{ incident.incident_id }}`,
      headers: { 'X-Incident': '{{ incident.incident_id }}', 'X-Severity': '{{ incident.severity }}' },
      body: {
        incident: '{{ incident.incident_id }}',
        components: '{{ incident.affected_components }}',
        reason: '{{ params.reason }}',
        n: 1,
      },
    });

    const result = await exec.run(ctx);

    expect(result).toEqual({ outcome: 'succeeded', detail: 'HTTP 200', output: 'ok' });
    expect(server.requests).toHaveLength(1);
    const [req] = server.requests;
    expect(req.method).toBe('PUT');
    expect(req.url).toBe('/services/api%20gateway%2F1/restart?incident=inc_00042');
    expect(req.headers['x-incident']).toBe('inc_00042');
    expect(req.headers['x-severity']).toBe('critical');
    expect(req.headers['idempotency-key']).toBe('idem-inc_00042-restart_service-1');
    expect(req.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req.body)).toEqual({
      incident: 'inc_00042',
      components: 'api,db-1',
      reason: 'said "stop" {now}',
      n: 1,
    });
  });

  it('sends a string body rendered as is and keeps a configured content type', async () => {
    server = await startServer();
    const exec = executor({
      url: `${server.base}/hook`,
      headers: { 'Content-Type': 'text/plain' },
      body: 'restart {{ params.service }} for {{ incident.incident_id }}',
    });

    await exec.run(ctx);

    expect(server.requests[0].method).toBe('POST');
    expect(server.requests[0].headers['content-type']).toBe('text/plain');
    expect(server.requests[0].body).toBe('restart api gateway/1 for inc_00042');
  });

  it("replaces a configured Idempotency-Key with the run's own", async () => {
    server = await startServer();
    await executor({ url: `${server.base}/`, headers: { 'idempotency-key': 'fixed' } }).run(ctx);
    expect(server.requests[0].headers['idempotency-key']).toBe('idem-inc_00042-restart_service-1');
  });

  it('fails on a status outside expected_status, and on a non-2xx when none is given', async () => {
    server = await startServer((req, res) => {
      res.statusCode = req.url === '/boom' ? 500 : 200;
      res.end(req.url === '/boom' ? 'exploded' : 'fine');
    });

    expect(await executor({ url: `${server.base}/ok`, expected_status: [204] }).run(ctx)).toEqual({
      outcome: 'failed',
      detail: 'HTTP 200, expected 204',
      output: 'fine',
    });
    expect(await executor({ url: `${server.base}/boom` }).run(ctx)).toEqual({
      outcome: 'failed',
      detail: 'HTTP 500, expected 2xx',
      output: 'exploded',
    });
    expect(await executor({ url: `${server.base}/boom`, expected_status: [200, 500] }).run(ctx)).toMatchObject({
      outcome: 'succeeded',
      detail: 'HTTP 500',
    });
  });

  it('fails "timed out" when the server never answers', async () => {
    server = await startServer(() => undefined);
    const started = Date.now();

    const result = await executor({ url: `${server.base}/hang`, timeout_seconds: 1 }).run(ctx);

    expect(result).toEqual({ outcome: 'failed', detail: 'timed out after 1s', output: '' });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('truncates a long answer to the output limit', async () => {
    server = await startServer((_req, res) => res.end('x'.repeat(10000)));
    const result = await executor({ url: `${server.base}/` }).run(ctx);
    expect(result.output).toBe('x'.repeat(HTTP_OUTPUT_LIMIT));
  });

  it('plans without sending anything, with secrets redacted', async () => {
    server = await startServer();
    const exec = executor({
      method: 'PATCH',
      url: `${server.base}/svc/{{ params.service }}?api_key=s3cr3t&incident={{ incident.incident_id }}`,
      headers: {
        Authorization: 'Bearer abc',
        'X-Auth-Token': 'tok',
        'X-Api-Key': 'k',
        'X-Client-Secret': 's',
        'X-Team': 'sre',
      },
      body: { id: '{{ incident.incident_id }}' },
    });

    const plan = exec.plan(ctx);

    expect(plan).toEqual({
      method: 'PATCH',
      url: `${server.base}/svc/api%20gateway%2F1?api_key=%5Bredacted%5D&incident=inc_00042`,
      headers: {
        Authorization: '[redacted]',
        'X-Auth-Token': '[redacted]',
        'X-Api-Key': '[redacted]',
        'X-Client-Secret': '[redacted]',
        'X-Team': 'sre',
        'Idempotency-Key': 'idem-inc_00042-restart_service-1',
        'content-type': 'application/json',
      },
      body: { id: 'inc_00042' },
    });
    expect(JSON.stringify(plan)).not.toMatch(/s3cr3t|Bearer abc|"tok"/);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.requests).toHaveLength(0);
  });
});

describe('http executor without a server', () => {
  it('fails "connection refused" without the URL or its token in the result', async () => {
    // Bind a port, then free it: nothing listens there afterwards.
    const { base, close } = await startServer();
    await close();

    const result = await executor({ url: `${base}/hook?token=SECRET-TOKEN-123` }).run(ctx);

    expect(result).toEqual({ outcome: 'failed', detail: 'connection refused', output: '' });
    expect(JSON.stringify(result)).not.toContain('127.0.0.1');
  });

  it('fails for good, naming the address and not the URL, when the outbound guard refuses it', async () => {
    const server = await startServer();
    try {
      const guarded = createHttpClient({ outbound: new OutboundGuard() });
      const exec = createHttpExecutor(
        HttpExecutorConfigSchema.parse({ kind: 'http', url: `${server.base}/hook?token=SECRET-TOKEN-123` }),
        { http: guarded }
      );
      const result = await exec.run(ctx);
      expect(result).toEqual({
        outcome: 'failed',
        detail: 'refused to connect to 127.0.0.1 (loopback): add it to security.outbound.allowlist to allow',
        output: '',
      });
      expect(JSON.stringify(result)).not.toContain('SECRET-TOKEN');
      expect(server.requests).toHaveLength(0);
      await guarded.close();
    } finally {
      await server.close();
    }
  });

  it('refuses a header value that renders with a line break, before sending', async () => {
    const send = jest.fn();
    const exec = createHttpExecutor(
      HttpExecutorConfigSchema.parse({
        kind: 'http',
        url: 'http://127.0.0.1:9/',
        headers: { 'X-Reason': '{{ params.reason }}' },
      }),
      { http: { send } }
    );

    const result = await exec.run(testContext({ params: { reason: 'a\r\nX-Injected: 1' } }));

    expect(result).toEqual({
      outcome: 'failed',
      detail: 'header X-Reason holds a line break or NUL after rendering',
      output: '',
    });
    expect(send).not.toHaveBeenCalled();
  });
});

describe('HttpExecutorConfigSchema', () => {
  it('applies the defaults', () => {
    expect(HttpExecutorConfigSchema.parse({ kind: 'http', url: 'https://example.com/x' })).toEqual({
      kind: 'http',
      method: 'POST',
      url: 'https://example.com/x',
      headers: {},
      timeout_seconds: 10,
      expected_status: [],
    });
  });

  it.each([
    ['an unknown template root', { url: 'https://example.com/{{ env.TOKEN }}' }, 'env.TOKEN'],
    ['a templated scheme and host', { url: '{{ params.url }}' }, 'http(s) URL'],
    ['a non-http scheme', { url: 'file:///etc/passwd' }, 'http(s) URL'],
    ['a bad template in a header', { url: 'https://e.com/', headers: { 'X-A': '{{ nope }}' } }, 'nope'],
    ['a bad header name', { url: 'https://e.com/', headers: { 'X A': 'v' } }, 'header name'],
    ['a bad template in the body', { url: 'https://e.com/', body: { a: ['{{ secret }}'] } }, 'secret'],
    ['an unknown field', { url: 'https://e.com/', retries: 3 }, 'retries'],
    ['a timeout over 300', { url: 'https://e.com/', timeout_seconds: 301 }, 'timeout_seconds'],
    ['an expected status out of range', { url: 'https://e.com/', expected_status: [99] }, 'expected_status'],
  ])('refuses %s', (_name, cfg, needle) => {
    const parsed = HttpExecutorConfigSchema.safeParse({ kind: 'http', ...cfg });
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain(needle);
  });
});
