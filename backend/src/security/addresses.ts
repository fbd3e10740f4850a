import { BlockList, isIP } from 'node:net';

/**
 * Why an address is not one the backend calls unless an operator names it: the ranges a request
 * forged through a webhook URL would aim at (the host itself, cloud metadata, the internal network).
 */
export type AddressRange =
  'loopback' | 'link-local' | 'private' | 'carrier-grade NAT' | 'unspecified' | 'multicast' | 'broadcast' | 'reserved';

type Family = 'ipv4' | 'ipv6';
type Rule = readonly [network: string, prefix: number, range: AddressRange];

/** IANA's special-purpose IPv4 registry, as far as a receiver could hide behind it. First match wins. */
const IPV4_RULES: readonly Rule[] = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'reserved'],
  ['192.88.99.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'],
  ['198.51.100.0', 24, 'reserved'],
  ['203.0.113.0', 24, 'reserved'],
  ['224.0.0.0', 4, 'multicast'],
  ['255.255.255.255', 32, 'broadcast'],
  ['240.0.0.0', 4, 'reserved'],
];

/**
 * The IPv6 ranges with a meaning of their own. Addresses that embed an IPv4 address (mapped, NAT64,
 * 6to4) are judged by that address, and anything outside global unicast (2000::/3) is reserved.
 */
const IPV6_RULES: readonly Rule[] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['64:ff9b:1::', 48, 'private'],
  ['2001::', 23, 'reserved'],
  ['2001:db8::', 32, 'reserved'],
  ['3fff::', 20, 'reserved'],
  ['fc00::', 7, 'private'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'private'],
  ['ff00::', 8, 'multicast'],
];

/** One BlockList per rule, so a match says which range it was. */
function compile(rules: readonly Rule[], family: Family): Array<{ list: BlockList; range: AddressRange }> {
  return rules.map(([network, prefix, range]) => {
    const list = new BlockList();
    list.addSubnet(network, prefix, family);
    return { list, range };
  });
}

const IPV4 = compile(IPV4_RULES, 'ipv4');
const IPV6 = compile(IPV6_RULES, 'ipv6');

/** An IPv6 address as its eight 16-bit groups (zone id dropped, a trailing dotted quad folded in). */
function ipv6Groups(address: string): number[] {
  let text = address.replace(/%.*$/, '');
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number);
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string | undefined) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const front = parse(head);
  const back = parse(tail);
  const zeros = tail === undefined ? [] : new Array<number>(8 - front.length - back.length).fill(0);
  return [...front, ...zeros, ...back];
}

const quadOf = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;

/** The IPv4 address an IPv6 address stands for: IPv4-mapped (::ffff:0:0/96), NAT64 (64:ff9b::/96), 6to4 (2002::/16). */
export function embeddedIpv4(address: string): string | null {
  const g = ipv6Groups(address);
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(5) && g[5] === 0xffff) return quadOf(g[6], g[7]);
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return quadOf(g[6], g[7]);
  if (g[0] === 0x2002) return quadOf(g[1], g[2]);
  return null;
}

/**
 * The range that keeps the backend from calling `address` by default, or null for a public unicast
 * address. `address` must be an IP literal (without brackets); anything else is 'reserved', so a
 * caller's mistake refuses rather than admits.
 */
export function classifyAddress(address: string): AddressRange | null {
  const family = isIP(address);
  if (family === 4) return IPV4.find((r) => r.list.check(address, 'ipv4'))?.range ?? null;
  if (family !== 6) return 'reserved';
  const v4 = embeddedIpv4(address);
  if (v4 !== null) return classifyAddress(v4);
  const known = IPV6.find((r) => r.list.check(address, 'ipv6'))?.range;
  if (known !== undefined) return known;
  // Only 2000::/3 is routed on the internet; the rest (including the deprecated IPv4-compatible ::/96) is not a receiver.
  return (ipv6Groups(address)[0] & 0xe000) === 0x2000 ? null : 'reserved';
}

/** A host as a URL names it: lower case, without IPv6 brackets or a trailing dot. */
export function bareHost(host: string): string {
  return host
    .trim()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
    .toLowerCase();
}

const HOST_NAME =
  /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

type Entry = { kind: 'host'; host: string } | { kind: 'subnet'; network: string; prefix: number; family: Family };

/**
 * Reads one allowlist entry: a host name, an IP address or a CIDR range. IPv4 in the odd forms a
 * URL accepts ("127.1", "2130706433") is read as a URL would read it, so the entry means what the
 * URL means. Throws with a reason when the entry is none of these.
 */
function parseEntry(entry: string): Entry {
  const slash = entry.indexOf('/');
  if (slash >= 0) {
    const network = bareHost(entry.slice(0, slash));
    const prefixText = entry.slice(slash + 1).trim();
    const family = isIP(network);
    const max = family === 4 ? 32 : 128;
    if (family === 0) throw new Error(`"${entry}": a CIDR range needs an IP address before the "/"`);
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) {
      throw new Error(`"${entry}": the prefix length must be 0 to ${max}`);
    }
    return { kind: 'subnet', network, prefix: Number(prefixText), family: family === 4 ? 'ipv4' : 'ipv6' };
  }
  let host = bareHost(entry);
  if (isIP(host) === 0) {
    // A port, a path or credentials would be dropped silently by the URL parser below: say so instead.
    if (/[:@/?#\\\s]/.test(host)) throw new Error(`"${entry}" is not a host name, an IP address or a CIDR range`);
    // The WHATWG parser turns "127.1" or "0x7f.1" into 127.0.0.1 and IDN names into punycode, as it does for request URLs.
    try {
      host = new URL(`http://${host}/`).hostname;
    } catch {
      throw new Error(`"${entry}" is not a host name, an IP address or a CIDR range`);
    }
  }
  const family = isIP(host);
  if (family === 4) return { kind: 'subnet', network: host, prefix: 32, family: 'ipv4' };
  if (family === 6) return { kind: 'subnet', network: host, prefix: 128, family: 'ipv6' };
  if (!HOST_NAME.test(host)) throw new Error(`"${entry}" is not a host name, an IP address or a CIDR range`);
  return { kind: 'host', host };
}

/** Why an allowlist entry cannot be used, or null; for the config schema. */
export function allowlistEntryProblem(entry: string): string | null {
  try {
    parseEntry(entry);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * What the operator named in `security.outbound.allowlist`. A host name admits that name whatever it
 * resolves to; an address or a CIDR range admits those addresses whatever name led to them.
 */
export class OutboundAllowlist {
  private readonly hosts = new Set<string>();
  private readonly addresses = new BlockList();

  constructor(entries: readonly string[]) {
    for (const text of entries) {
      const e = parseEntry(text);
      if (e.kind === 'host') this.hosts.add(e.host);
      else this.addresses.addSubnet(e.network, e.prefix, e.family);
    }
  }

  /** Whether a connection to `address`, reached through `host` (a name or the address itself), was named. */
  admits(host: string, address: string): boolean {
    if (this.hosts.has(bareHost(host))) return true;
    const family = isIP(address);
    return family !== 0 && this.addresses.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }
}
