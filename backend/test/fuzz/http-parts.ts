/** fast-check arbitraries of HTTP request parts: raw bodies (bytes, encodings, content types), path segments and query strings. */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { anyJsonText, jsonNumberText, nastyString } from './arbitraries';
import { ALERTMANAGER_FIXTURE } from './payloads';

// ---------------------------------------------------------------------------------------------
// Raw bodies: bytes, encodings, content types

export interface RawBody {
  contentType: string | undefined;
  contentEncoding?: string;
  body: Buffer;
  /** What the body is, for the failure message. */
  label: string;
}

const JSON_TYPES = ['application/json', 'application/json; charset=utf-8', 'application/vnd.api+json', 'APPLICATION/JSON'];
const OTHER_TYPES = [
  undefined,
  '',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/json; charset=nonsense',
  'application/xml',
  '*/*',
  ';;;',
];

/** Bytes that are not UTF-8: lone continuation bytes, overlongs, surrogates, truncated sequences. */
const invalidUtf8: fc.Arbitrary<Buffer> = fc
  .tuple(
    fc.constantFrom(
      [0x80],
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xe2, 0x82],
      [0xff],
      [0xfe, 0xff],
      [0xef, 0xbb, 0xbf],
      [0x00]
    ),
    fc.constantFrom('{"event_type":"', '{"message":"', '["', '"', '')
  )
  .map(([bad, prefix]) => Buffer.concat([Buffer.from(prefix), Buffer.from(bad), Buffer.from(prefix ? '"}' : '')]));

/** Valid JSON text cut short somewhere. */
const truncatedJson: fc.Arbitrary<Buffer> = fc
  .tuple(fc.oneof(anyJsonText, fc.constant(JSON.stringify(ALERTMANAGER_FIXTURE))), fc.double({ min: 0, max: 1, noNaN: true }))
  .map(([text, at]) => Buffer.from(text.slice(0, Math.floor(text.length * at))));

const notJson: fc.Arbitrary<Buffer> = fc.oneof(
  fc.constantFrom('', ' ', 'undefined', 'NaN', "{'a':1}", '{a:1}', '[1,]', '{"a":1,}', '01', '+1', '.5', '"\\x00"', '"\\ud800"', 'tru', 'nul', '{"a" 1}', '\u0000').map((s) => Buffer.from(s)),
  fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a))
);

/** Raw request bodies: bad bytes, bad JSON, JSON under other content types, broken and valid gzip. */
export const rawBody: fc.Arbitrary<RawBody> = fc.oneof(
  fc.tuple(fc.constantFrom(...JSON_TYPES), invalidUtf8).map(([contentType, body]): RawBody => ({ contentType, body, label: 'invalid UTF-8' })),
  fc.tuple(fc.constantFrom(...JSON_TYPES), truncatedJson).map(([contentType, body]): RawBody => ({ contentType, body, label: 'truncated JSON' })),
  fc.tuple(fc.constantFrom(...JSON_TYPES), notJson).map(([contentType, body]): RawBody => ({ contentType, body, label: 'not JSON' })),
  fc.tuple(fc.constantFrom(...OTHER_TYPES), anyJsonText).map(([contentType, text]): RawBody => ({ contentType, body: Buffer.from(text), label: `JSON as ${contentType}` })),
  fc.tuple(fc.constantFrom(...JSON_TYPES), anyJsonText).map(([contentType, text]): RawBody => ({ contentType, body: Buffer.from(text, 'utf16le'), label: 'UTF-16 bytes' })),
  fc
    .tuple(anyJsonText, fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'compress', 'gzip, gzip', 'x-unknown'))
    .map(([text, enc]): RawBody => ({ contentType: 'application/json', contentEncoding: enc, body: Buffer.from(text), label: `plain text labelled ${enc}` })),
  anyJsonText.map((text): RawBody => ({ contentType: 'application/json', contentEncoding: 'gzip', body: gzipSync(text), label: 'gzip JSON' })),
  fc
    .tuple(anyJsonText, fc.double({ min: 0, max: 1, noNaN: true }))
    .map(([text, at]): RawBody => {
      const z = gzipSync(text);
      return { contentType: 'application/json', contentEncoding: 'gzip', body: z.subarray(0, Math.floor(z.length * at)), label: 'truncated gzip' };
    })
);

// ---------------------------------------------------------------------------------------------
// Path and query parts

/** A path segment as it goes on the wire: percent-encoded text, or raw hostile encodings. */
export const pathSegment: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .oneof(nastyString, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }))
      .map((s) => (s === '' ? '%20' : encodeSegment(s)))
      .filter((s) => s.length <= 3600),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '..',
      '.',
      '..%2F..%2F..%2Fetc%2Fpasswd',
      '%2e%2e',
      '%2E%2E%2F',
      '..%5C..%5C',
      '%00',
      'a%00b',
      '%',
      '%zz',
      '%E0%A4%A',
      '%ED%A0%80',
      '%C0%AF',
      '%FF',
      '%25',
      '%u0041',
      '%3Cscript%3E',
      'a;b=c',
      '*',
      '__proto__',
      'constructor',
      'inc_1%0D%0ASet-Cookie:x'
    ),
  },
  // Long, but with the request line under Node's 16 KB header limit (past it Node itself answers 431).
  { weight: 1, arbitrary: fc.integer({ min: 256, max: 3000 }).map((n) => 'i'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 60, max: 300 }).map((n) => '%F0%9F%98%80'.repeat(n)) }
);

/** Percent-encodes text for a path; lone surrogates (which encodeURIComponent refuses) as their raw UTF-8 bytes. */
export function encodeSegment(s: string): string {
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) {
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    } else {
      out += encodeURIComponent(ch);
    }
  }
  return out;
}

/** Encoded query values stay under 1500 bytes, so that a whole request line stays under Node's 16 KB. */
const queryValue: fc.Arbitrary<string> = fc.oneof(
  nastyString.map(encodeSegment).filter((v) => v.length <= 1500),
  fc.constantFrom('%', '%zz', '%E0%A4%A', '%00', 'a+b', '1%2C2', 'timeline%2Cpostmortem', 'timeline,actions,notifications,postmortem'),
  jsonNumberText.map(encodeSegment),
  fc.integer({ min: -5, max: 20_000 }).map(String)
);

/** A query string over the route's own parameter names and others: repeated keys, bracket keys, hostile values. */
export function queryString(names: readonly string[], values: (name: string) => fc.Arbitrary<string> | undefined = () => undefined): fc.Arbitrary<string> {
  const key = fc.oneof(
    ...(names.length ? [{ weight: 4, arbitrary: fc.constantFrom(...names) }] : []),
    { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'a[b]', 'limit[]', 'since[$gt]', '', '%', 'include') },
    { weight: 1, arbitrary: fc.string({ maxLength: 6 }).map(encodeSegment) }
  );
  const pair = key.chain((k) => {
    const own = values(k);
    return (own ? fc.oneof(own.map(encodeSegment).filter((v) => v.length <= 1500), queryValue) : queryValue).map((v) => (k === '' && v === '' ? '=' : `${encodeSegment(k).replace(/%25/g, '%')}=${v}`));
  });
  return fc.array(fc.oneof({ weight: 8, arbitrary: pair }, { weight: 1, arbitrary: fc.constantFrom('flag', '&', '==', '=x') }), { maxLength: 5 }).map((pairs) =>
    pairs.length ? `?${pairs.join('&')}` : ''
  );
}
