import { promises as dns, type LookupAddress } from 'node:dns';
import { connect as netConnect, isIP, type LookupFunction, type Socket } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { bareHost, classifyAddress, OutboundAllowlist, type AddressRange } from './addresses';

/** The `code` of an OutboundRefusedError, by which it is recognised across module realms. */
export const OUTBOUND_REFUSED = 'ERR_OUTBOUND_REFUSED';

/**
 * The backend would have connected to a loopback, link-local, private or otherwise internal address
 * the operator did not name. Final: asking again reaches the same address. The message names the
 * host and the address, never the URL (a webhook URL carries its credential in the path).
 */
export class OutboundRefusedError extends Error {
  readonly code = OUTBOUND_REFUSED;

  constructor(
    readonly host: string,
    readonly address: string,
    readonly range: AddressRange
  ) {
    super(
      host === address
        ? `refused to connect to ${address} (${range}): add it to security.outbound.allowlist to allow`
        : `refused to connect to ${host} at ${address} (${range}): add the host or the address to security.outbound.allowlist to allow`
    );
    this.name = 'OutboundRefusedError';
  }
}

/** Whether `err` is a refusal; by its code, since errors may cross module realms (jest, undici). */
export function isOutboundRefused(err: unknown): err is OutboundRefusedError {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === OUTBOUND_REFUSED;
}

/** Answers what a host name resolves to; injectable so tests can play a DNS server that changes its answer. */
export type Resolver = (host: string) => Promise<LookupAddress[]>;

const systemResolver: Resolver = (host) => dns.lookup(host, { all: true });

const unbracketed = (host: string) => host.replace(/^\[(.*)\]$/, '$1');

export interface OutboundGuardOptions {
  /** Host names, IP addresses and CIDR ranges the backend may reach although they are internal. */
  allowlist?: readonly string[];
  resolve?: Resolver;
}

/**
 * Decides, at connect time, whether the backend may open a connection. A name is resolved once per
 * connection, every address it resolves to is checked, and the socket is handed exactly the checked
 * addresses (through the `lookup` hook of net and tls), so a DNS answer that changes between a check
 * and the connect cannot slip an internal address in. IP literals never reach `lookup` (Node skips
 * it for them), so the connectors check them before connecting.
 */
export class OutboundGuard {
  private readonly allowlist: OutboundAllowlist;
  private readonly resolver: Resolver;

  constructor(opts: OutboundGuardOptions = {}) {
    this.allowlist = new OutboundAllowlist(opts.allowlist ?? []);
    this.resolver = opts.resolve ?? systemResolver;
  }

  /** The refusal for a connection to `address` reached through `host` (a name or the address), or null. */
  check(host: string, address: string): OutboundRefusedError | null {
    const range = classifyAddress(address);
    if (range === null || this.allowlist.admits(host, address)) return null;
    return new OutboundRefusedError(bareHost(host), address, range);
  }

  /** For a host given as an IP literal, its refusal or null; names are only judged once resolved. */
  checkLiteral(host: string): OutboundRefusedError | null {
    const bare = bareHost(host);
    return isIP(bare) === 0 ? null : this.check(bare, bare);
  }

  /**
   * The addresses of `host`, each one checked; rejects with the refusal of the first that is not
   * allowed, so one internal answer among public ones refuses the whole name.
   */
  async resolve(host: string): Promise<LookupAddress[]> {
    const bare = bareHost(host);
    const family = isIP(bare);
    // The name is resolved as written (a trailing dot is meaningful to DNS); `bare` is for matching and messages.
    const addresses = family !== 0 ? [{ address: bare, family }] : await this.resolver(unbracketed(host));
    for (const { address } of addresses) {
      const refusal = this.check(bare, address);
      if (refusal) throw refusal;
    }
    if (addresses.length === 0) throw Object.assign(new Error(`no address for ${bare}`), { code: 'ENOTFOUND' });
    return addresses;
  }

  /** The `lookup` option of net.connect and tls.connect: resolves through the guard. */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.resolve(hostname).then(
      (all) => {
        const wanted =
          options.family === 4 || options.family === 6 ? all.filter((a) => a.family === options.family) : all;
        if (wanted.length === 0) {
          callback(
            Object.assign(new Error(`no IPv${String(options.family)} address for ${hostname}`), { code: 'ENOTFOUND' }),
            ''
          );
        } else if (options.all) {
          callback(null, wanted);
        } else {
          callback(null, wanted[0].address, wanted[0].family);
        }
      },
      (err: NodeJS.ErrnoException) => callback(err, '')
    );
  };

  /**
   * A TCP connection to `host`:`port` through the guard, resolved once it is established (for
   * clients that take a ready socket, such as nodemailer's `getSocket`).
   */
  connect(host: string, port: number, timeoutMs: number): Promise<Socket> {
    const refusal = this.checkLiteral(host);
    if (refusal) return Promise.reject(refusal);
    return new Promise((resolve, reject) => {
      const socket = netConnect({ host: unbracketed(host), port, lookup: this.lookup });
      const onTimeout = () =>
        socket.destroy(Object.assign(new Error(`connect timed out after ${timeoutMs} ms`), { code: 'ETIMEDOUT' }));
      socket.setTimeout(timeoutMs, onTimeout);
      socket.once('error', reject);
      socket.once('connect', () => {
        // The caller sets its own timeouts and error handling from here on.
        socket.setTimeout(0);
        socket.off('timeout', onTimeout);
        socket.off('error', reject);
        resolve(socket);
      });
    });
  }

  /** An undici dispatcher whose every connection (http and https) goes through the guard. */
  dispatcher(): Agent {
    const direct = buildConnector({ lookup: this.lookup });
    const connect: buildConnector.connector = (opts, callback) => {
      const refusal = this.checkLiteral(opts.hostname);
      if (refusal) {
        process.nextTick(() => callback(refusal, null));
        return;
      }
      direct(opts, callback);
    };
    return new Agent({ connect });
  }
}

/** The host an http(s) URL (or URL template, placeholders standing in as a word) names, or null. */
function hostOfUrl(value: string): string | null {
  if (!/^https?:\/\//i.test(value)) return null;
  try {
    return new URL(value.replace(/\{\{[^{}]*\}\}/g, 'x')).hostname;
  } catch {
    return null;
  }
}

/** A bare host as a URL would read it ("127.1" is 127.0.0.1), or as given when no URL could hold it. */
function normalHost(host: string): string {
  const bare = bareHost(host);
  if (isIP(bare) !== 0) return bare;
  try {
    return new URL(`http://${bare}/`).hostname;
  } catch {
    return bare;
  }
}

/** Every host a receiver config names: its http(s) URLs, and `host` keys (the SMTP relay). */
function hostsIn(value: unknown, path: string[], out: Array<{ path: string[]; host: string }>): void {
  if (typeof value === 'string') {
    const host = hostOfUrl(value);
    if (host !== null) out.push({ path, host });
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'host' && typeof v === 'string') out.push({ path: [...path, key], host: normalHost(v) });
      else hostsIn(v, [...path, key], out);
    }
  }
}

/**
 * The targets under these config values (found at these paths) that are IP literals in a refused
 * range and not allowlisted, each with its config path: the config loader refuses them up front
 * instead of at the first incident. Host names are judged at connect time, when they are resolved.
 */
export function refusedTargets(allowlist: readonly string[], roots: Array<{ path: string[]; value: unknown }>): Array<{ path: string; message: string }> {
  const guard = new OutboundGuard({ allowlist });
  const targets: Array<{ path: string[]; host: string }> = [];
  for (const { path, value } of roots) {
    hostsIn(value, path, targets);
  }
  return targets.flatMap(({ path, host }) => {
    const refusal = guard.checkLiteral(host);
    return refusal ? [{ path: path.join('.'), message: refusal.message }] : [];
  });
}
