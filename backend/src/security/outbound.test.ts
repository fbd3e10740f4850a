import type { LookupAddress } from 'node:dns';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { countingListener } from './testing/counting-listener';
import { createHttpClient } from '../util/http-client';
import { HttpReceiver } from '../notification/channels/testing/http-receiver';
import { allowlistEntryProblem, classifyAddress, OutboundAllowlist } from './addresses';
import { OutboundConfigSchema } from './config';
import { isOutboundRefused, OutboundGuard, OutboundRefusedError, type Resolver } from './outbound';


/** A DNS server played by the test: each call takes the next answer (the last one repeats). */
function scriptedResolver(...answers: string[][]): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (host: string): Promise<LookupAddress[]> => {
    const answer = answers[Math.min(calls.length, answers.length - 1)];
    calls.push(host);
    return answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { calls });
}

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['224.0.0.251', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0:0:0:0:0:ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:10.0.0.1', 'private'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['2002:c0a8:101::1', 'private'],
    ['::127.0.0.1', 'reserved'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['fc00::1', 'private'],
    ['fd12:3456:789a::1', 'private'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['not-an-address', 'reserved'],
  ])('%s is %s', (address, range) => {
    expect(classifyAddress(address)).toBe(range);
  });

  it.each([
    '8.8.8.8',
    '93.184.216.34',
    '172.32.0.1',
    '100.128.0.1',
    '11.0.0.1',
    '::ffff:8.8.8.8',
    '2606:4700:4700::1111',
    '2a00:1450::1',
  ])('%s is public', (address) => {
    expect(classifyAddress(address)).toBeNull();
  });
});

describe('OutboundAllowlist', () => {
  it('admits an exact address, a CIDR range or a host name, and nothing next to them', () => {
    const list = new OutboundAllowlist(['127.0.0.1', '10.20.0.0/16', 'fd00::/8', 'Mail.Internal.', '[::1]']);
    expect(list.admits('127.0.0.1', '127.0.0.1')).toBe(true);
    expect(list.admits('127.0.0.2', '127.0.0.2')).toBe(false);
    expect(list.admits('10.20.3.4', '10.20.3.4')).toBe(true);
    expect(list.admits('10.21.0.1', '10.21.0.1')).toBe(false);
    expect(list.admits('fd00::5', 'fd00::5')).toBe(true);
    expect(list.admits('::1', '::1')).toBe(true);
    // The same address written as IPv4-mapped IPv6.
    expect(list.admits('::ffff:127.0.0.1', '::ffff:127.0.0.1')).toBe(true);
    // A host name admits that name whatever it resolves to, and only that name.
    expect(list.admits('mail.internal', '192.168.7.7')).toBe(true);
    expect(list.admits('MAIL.INTERNAL.', '192.168.7.7')).toBe(true);
    expect(list.admits('other.internal', '192.168.7.7')).toBe(false);
    // An address entry admits the address under any name.
    expect(list.admits('receiver.test', '127.0.0.1')).toBe(true);
  });

  it('reads IPv4 in the odd forms a URL accepts as the URL does', () => {
    expect(new OutboundAllowlist(['127.1']).admits('127.0.0.1', '127.0.0.1')).toBe(true);
    expect(new OutboundAllowlist(['2130706433']).admits('127.0.0.1', '127.0.0.1')).toBe(true);
  });

  it.each(['receiver:8080', 'http://receiver/', '10.0.0.0/33', 'receiver/8', '10.0.0.0/x', 'a b', 'user@host'])(
    'rejects "%s"',
    (entry) => {
      expect(allowlistEntryProblem(entry)).not.toBeNull();
      expect(OutboundConfigSchema.safeParse({ allowlist: [entry] }).success).toBe(false);
    }
  );

  it('is empty by default', () => {
    expect(OutboundConfigSchema.parse({})).toEqual({ allowlist: [] });
  });
});

describe('OutboundGuard', () => {
  it('refuses an internal address with a message naming host and address, never a URL', () => {
    const guard = new OutboundGuard();
    const refusal = guard.check('hooks.internal', '10.1.2.3');
    expect(refusal).toBeInstanceOf(OutboundRefusedError);
    expect(refusal?.message).toBe(
      'refused to connect to hooks.internal at 10.1.2.3 (private): add the host or the address to security.outbound.allowlist to allow'
    );
    expect(guard.checkLiteral('[::1]')?.message).toBe(
      'refused to connect to ::1 (loopback): add it to security.outbound.allowlist to allow'
    );
    expect(guard.checkLiteral('hooks.internal')).toBeNull();
    expect(guard.check('example.com', '93.184.216.34')).toBeNull();
    expect(isOutboundRefused(refusal)).toBe(true);
    expect(isOutboundRefused(new Error('x'))).toBe(false);
  });

  it('checks every address a name resolves to: one internal answer refuses the name', async () => {
    const guard = new OutboundGuard({ resolve: scriptedResolver(['93.184.216.34', '10.0.0.7']) });
    await expect(guard.resolve('mixed.test')).rejects.toMatchObject({
      code: 'ERR_OUTBOUND_REFUSED',
      host: 'mixed.test',
      address: '10.0.0.7',
      range: 'private',
    });
    const allowed = new OutboundGuard({
      resolve: scriptedResolver(['93.184.216.34', '10.0.0.7']),
      allowlist: ['mixed.test'],
    });
    expect((await allowed.resolve('mixed.test')).map((a) => a.address)).toEqual(['93.184.216.34', '10.0.0.7']);
  });

  it.each([
    ['decimal', '2130706433', 'loopback'],
    ['octal', '0177.0.0.1', 'loopback'],
    ['hexadecimal', '0x7f.1', 'loopback'],
    ['short', '127.1', 'loopback'],
    ['one hex number', '0x7f000001', 'loopback'],
    ['zero', '0', 'unspecified'],
    ['unspecified', '0.0.0.0', 'unspecified'],
    ['IPv4-mapped IPv6', '[::ffff:127.0.0.1]', 'loopback'],
    ['IPv6 loopback', '[::1]', 'loopback'],
    ['metadata', '169.254.169.254', 'link-local'],
    ['percent-encoded', '%31%32%37.0.0.1', 'loopback'],
  ])('refuses a URL whose host is an IP in %s form (%s)', async (_form, host, range) => {
    const listener = await countingListener();
    const http = createHttpClient({ outbound: new OutboundGuard() });
    try {
      const url = `http://${host}:${listener.port}/services/T000/B000/SECRETTOKEN`;
      // The WHATWG parser (and so undici) reads every odd form as the dotted or bracketed address.
      expect(new OutboundGuard().checkLiteral(new URL(url).hostname)?.range).toBe(range);
      const err: unknown = await http
        .send({ method: 'POST', url, body: '{}', timeoutMs: 2000 })
        .catch((e: unknown) => e);
      expect(isOutboundRefused(err)).toBe(true);
      expect((err as Error).message).toMatch(new RegExp(`^refused to connect to .* \\(${range}\\)`));
      expect((err as Error).message).not.toContain('SECRETTOKEN');
      expect(listener.connections()).toBe(0);
    } finally {
      await http.close();
      await listener.close();
    }
  });

  it('refuses a name that resolves to loopback (localhost), and admits it once the name is allowlisted', async () => {
    const receiver = await HttpReceiver.start();
    const port = new URL(receiver.origin).port;
    const refusing = createHttpClient({ outbound: new OutboundGuard({ resolve: scriptedResolver(['127.0.0.1']) }) });
    const admitting = createHttpClient({
      outbound: new OutboundGuard({ resolve: scriptedResolver(['127.0.0.1']), allowlist: ['localhost'] }),
    });
    try {
      const req = { method: 'POST', url: `http://localhost:${port}/hook`, body: '{}', timeoutMs: 2000 };
      await expect(refusing.send(req)).rejects.toMatchObject({
        code: 'ERR_OUTBOUND_REFUSED',
        host: 'localhost',
        address: '127.0.0.1',
        range: 'loopback',
      });
      expect(receiver.requests).toHaveLength(0);
      expect((await admitting.send(req)).status).toBe(200);
      expect(receiver.requests).toHaveLength(1);
    } finally {
      await Promise.all([refusing.close(), admitting.close(), receiver.close()]);
    }
  });

  it('connects to the address it checked: a DNS answer that changes after a check cannot reach loopback', async () => {
    const receiver = await HttpReceiver.start();
    const port = new URL(receiver.origin).port;
    // First a public address (what a check-then-fetch design would have approved), then loopback.
    const dns = scriptedResolver(['93.184.216.34'], ['127.0.0.1']);
    const guard = new OutboundGuard({ resolve: dns });
    const http = createHttpClient({ outbound: guard });
    try {
      expect(await guard.resolve('rebind.test')).toEqual([{ address: '93.184.216.34', family: 4 }]);
      const err: unknown = await http
        .send({ method: 'POST', url: `http://rebind.test:${port}/hook`, body: '{}', timeoutMs: 2000 })
        .catch((e: unknown) => e);
      // The connection resolved the name itself, was told 127.0.0.1, and that is what was checked and refused.
      expect(err).toMatchObject({ code: 'ERR_OUTBOUND_REFUSED', host: 'rebind.test', address: '127.0.0.1' });
      expect(dns.calls).toEqual(['rebind.test', 'rebind.test']);
      expect(receiver.requests).toHaveLength(0);
    } finally {
      await http.close();
      await receiver.close();
    }
  });

  it('hands the socket exactly the answer it checked (a name no real DNS knows reaches the allowlisted receiver)', async () => {
    const receiver = await HttpReceiver.start();
    const dns = scriptedResolver(['127.0.0.1']);
    const http = createHttpClient({ outbound: new OutboundGuard({ resolve: dns, allowlist: ['127.0.0.1'] }) });
    try {
      const res = await http.send({
        method: 'POST',
        url: `http://receiver.invalid:${new URL(receiver.origin).port}/hook`,
        body: '{}',
        timeoutMs: 2000,
      });
      expect(res.status).toBe(200);
      expect(receiver.requests).toHaveLength(1);
      expect(dns.calls).toEqual(['receiver.invalid']);
    } finally {
      await http.close();
      await receiver.close();
    }
  });

  it('does not follow a redirect: a 302 to 127.0.0.1 is an answer, and nothing connects there', async () => {
    const receiver = await HttpReceiver.start();
    const elsewhere = await countingListener();
    // The receiver is named by host; the redirect target (127.0.0.1) is not allowlisted.
    const http = createHttpClient({
      outbound: new OutboundGuard({ resolve: scriptedResolver(['127.0.0.1']), allowlist: ['receiver.test'] }),
    });
    receiver.reply = { status: 302, headers: { location: `http://127.0.0.1:${elsewhere.port}/latest/meta-data/` } };
    try {
      const res = await http.send({
        method: 'POST',
        url: `http://receiver.test:${new URL(receiver.origin).port}/hook`,
        body: '{}',
        timeoutMs: 2000,
      });
      expect(res.status).toBe(302);
      expect(receiver.requests).toHaveLength(1);
      expect(elsewhere.connections()).toBe(0);
    } finally {
      await http.close();
      await Promise.all([receiver.close(), elsewhere.close()]);
    }
  });

  it('guards https the same way, before any TLS handshake', async () => {
    const listener = await countingListener();
    const http = createHttpClient({ outbound: new OutboundGuard({ resolve: scriptedResolver(['127.0.0.1']) }) });
    try {
      for (const url of [`https://127.0.0.1:${listener.port}/`, `https://secure.test:${listener.port}/`]) {
        await expect(http.send({ method: 'POST', url, body: '{}', timeoutMs: 2000 })).rejects.toMatchObject({
          code: 'ERR_OUTBOUND_REFUSED',
          address: '127.0.0.1',
        });
      }
      expect(listener.connections()).toBe(0);
    } finally {
      await http.close();
      await listener.close();
    }
  });

  it('opens SMTP-style sockets only to checked addresses', async () => {
    const listener = await countingListener();
    try {
      await expect(new OutboundGuard().connect('127.0.0.1', listener.port, 2000)).rejects.toMatchObject({
        code: 'ERR_OUTBOUND_REFUSED',
      });
      await expect(
        new OutboundGuard({ resolve: scriptedResolver(['127.0.0.1']) }).connect('smtp.test', listener.port, 2000)
      ).rejects.toMatchObject({
        code: 'ERR_OUTBOUND_REFUSED',
        host: 'smtp.test',
      });
      expect(listener.connections()).toBe(0);
      const socket = await new OutboundGuard({
        resolve: scriptedResolver(['127.0.0.1']),
        allowlist: ['smtp.test'],
      }).connect('smtp.test', listener.port, 2000);
      expect(socket.remoteAddress).toBe('127.0.0.1');
      socket.destroy();
    } finally {
      await listener.close();
    }
  });
});
