/**
 * fast-check arbitraries for fuzzing the backend's inputs: arbitrary JSON (as text, so that it can
 * hold what JSON.stringify cannot write: `1e999`, duplicate keys, `__proto__` keys), values built
 * from the routes' own JSON Schemas (valid, and with one place broken), events, Alertmanager and
 * Grafana payloads mutated from the fixtures, raw byte bodies, and hostile path and query parts.
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import alertmanagerFixture from '../../src/ingest/webhooks/fixtures/alertmanager-webhook-v4.json';
import grafanaFixture from '../../src/ingest/webhooks/fixtures/grafana-webhook-v1.json';
import { EVENT_SEVERITIES, INCIDENT_TYPES } from '../../src/schema/vocabulary';

// ---------------------------------------------------------------------------------------------
// Strings and numbers

/** Strings that have broken parsers, coercions, lookups and encoders before. */
export const NASTY_STRINGS: readonly string[] = [
  '',
  ' ',
  'NaN',
  '-NaN',
  'Infinity',
  '-Infinity',
  '1e999',
  '-1e999',
  '-0',
  '0x1F',
  '0b101',
  '1_000',
  '000123',
  '9007199254740993',
  '99999999999999999999',
  '-99999999999999999999',
  '8640000000000001',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
  '../../../etc/passwd',
  '..',
  '.',
  '%00',
  '%',
  '%zz',
  '\u0000',
  'a\u0000b',
  '\u202e',
  '\ufeff',
  '\ud800',
  '\udfff',
  'a\udc00b',
  '😀',
  'e\u0301',
  '𝕏𝕐',
  '\u{10ffff}',
  '<script>alert(1)</script>',
  "'; DROP TABLE events; --",
  '${7*7}',
  '{{7*7}}',
  '\r\n',
  'a\nb',
  '%s%s%n',
  '0001-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999999999Z',
  '2026-02-30T10:00:00Z',
  '2026-11-26T10:30:00+25:00',
  '1h',
  '-1h',
  '1e3d',
  '99999999999999999999d',
  'CRITICAL',
  ' Error ',
  'active',
];

/** Lengths around the bounds the schemas use (ids 256, texts 8192, labels 128, ...). */
const BOUNDARY_LENGTHS = [0, 1, 63, 64, 65, 127, 128, 129, 255, 256, 257, 511, 512, 513, 1023, 1024, 1025, 2047, 2048, 2049, 8191, 8192, 8193];

/** A string whose length is at (or just past) a schema bound, of one- or two-unit characters. */
export const boundaryString: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...BOUNDARY_LENGTHS), fc.constantFrom('a', 'é', '😀', '\u0000'))
  .map(([n, ch]) => ch.repeat(ch.length === 2 ? Math.ceil(n / 2) : n));

export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 1, arbitrary: boundaryString }
);

/** Number literals as JSON text: also those a JS number cannot hold (`1e999` parses to Infinity). */
export const jsonNumberText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('1e999', '-1e999', '1e-999', '123456789012345678901234567890', '-0', '0.0000000000000000000001', '1E400', '9007199254740993', '8640000000000001', '-1', '0', '1.5', '2.0'),
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, Number.MIN_SAFE_INTEGER, Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 31, 2 ** 32, 8.64e15).map(String)
);

/** A wrong value for any field: another type, a bound just past, a nasty string. */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, -0, 2 ** 53, Number.MAX_VALUE, [], {}, [null], { '': null }, 'NaN', '', 'x'),
  // Objects that no conversion to a primitive survives (zod's length checks and coercions convert).
  fc.constantFrom<unknown>({ length: { toString: '' } }, { toString: '' }, { valueOf: {}, toString: 1 }, { length: 1e999 }, { length: -1 }, { length: '3' }),
  nastyString,
  boundaryString,
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 })
);

// ---------------------------------------------------------------------------------------------
// Arbitrary JSON, as text

/** A JSON value as a tree of literal texts, so that keys may repeat and numbers may overflow. */
export type JsonTree = { t: 'lit'; text: string } | { t: 'arr'; items: JsonTree[] } | { t: 'obj'; entries: Array<[string, JsonTree]> };

/** Keys that have polluted prototypes or shadowed lookups, plus the fields the routes read. */
export const jsonKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'length', ''),
  fc.constantFrom('event_id', 'event_type', 'source', 'severity', 'message', 'metadata', 'timestamp', 'labels', 'annotations', 'alerts', 'status', 'events', 'queries', 'range'),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 })
);

const lit = (text: string): JsonTree => ({ t: 'lit', text });

export const jsonTree: fc.Arbitrary<JsonTree> = fc.letrec<{ node: JsonTree; leaf: JsonTree; arr: JsonTree; obj: JsonTree }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('leaf'), tie('arr'), tie('obj')),
  leaf: fc.oneof(
    fc.constantFrom(lit('null'), lit('true'), lit('false')),
    jsonNumberText.map(lit),
    nastyString.map((s) => lit(JSON.stringify(s)))
  ),
  arr: fc.array(tie('node'), { maxLength: 5 }).map((items): JsonTree => ({ t: 'arr', items })),
  obj: fc.array(fc.tuple(jsonKey, tie('node')), { maxLength: 6 }).map((entries): JsonTree => ({ t: 'obj', entries })),
})).node;

export function renderJson(tree: JsonTree): string {
  switch (tree.t) {
    case 'lit':
      return tree.text;
    case 'arr':
      return `[${tree.items.map(renderJson).join(',')}]`;
    case 'obj':
      return `{${tree.entries.map(([k, v]) => `${JSON.stringify(k)}:${renderJson(v)}`).join(',')}}`;
  }
}

/** Nesting far deeper than any real payload (recursive code, JSON.stringify included, overflows the stack). */
export const deepJsonText: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 1, max: 20_000 }), fc.constantFrom('arr', 'obj', 'mixed'))
  .map(([depth, kind]) => {
    const open = kind === 'arr' ? '[' : kind === 'obj' ? '{"a":' : '{"a":[';
    const close = kind === 'arr' ? ']' : kind === 'obj' ? '}' : ']}';
    return open.repeat(depth) + '1' + close.repeat(depth);
  });

/** Arbitrary JSON text: any value, deep nesting, overflowing numbers, repeated and poisonous keys. */
export const anyJsonText: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: jsonTree.map(renderJson) },
  { weight: 1, arbitrary: deepJsonText },
  { weight: 1, arbitrary: fc.json() }
);

/** Wraps JSON text so that it sits in an object under a key (to reach past a top-level type check). */
export function underKey(key: string, text: string): string {
  return `{${JSON.stringify(key)}:${text}}`;
}

// ---------------------------------------------------------------------------------------------
// Values from JSON Schema (the OpenAPI document of the backend), valid and broken in one place

export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  exclusiveMaximum?: number | boolean;
  pattern?: string;
  format?: string;
  nullable?: boolean;
  default?: unknown;
  definitions?: Record<string, JsonSchema>;
};

const dateInRange = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2030-12-31T23:59:59Z'), noInvalidDate: true });

function integerIn(min: number, max: number): fc.Arbitrary<number> {
  const lo = Math.max(min, -(2 ** 31));
  const hi = Math.min(max, 2 ** 31 - 1);
  const inner = lo <= hi ? fc.integer({ min: lo, max: hi }) : fc.constant(min);
  return fc.oneof({ weight: 4, arbitrary: inner }, { weight: 1, arbitrary: fc.constantFrom(min, max) });
}

function stringFor(s: JsonSchema): fc.Arbitrary<string> {
  const min = s.minLength ?? 0;
  const max = Math.max(min, Math.min(s.maxLength ?? 24, 24));
  if (s.format === 'date-time') {
    return fc.oneof(
      dateInRange.map((d) => d.toISOString()),
      dateInRange.map((d) => d.toISOString().replace('.000Z', 'Z')),
      dateInRange.map((d) => d.toISOString().replace('Z', '+02:00'))
    );
  }
  if (s.format === 'date') {
    return dateInRange.map((d) => d.toISOString().slice(0, 10));
  }
  if (s.pattern) {
    return fc
      .stringMatching(new RegExp(s.pattern), { size: 'xsmall' })
      .filter((v) => v.length >= min && v.length <= (s.maxLength ?? Infinity));
  }
  if (s.format === 'uri') {
    return fc.webUrl();
  }
  return fc.oneof(
    { weight: 5, arbitrary: fc.string({ minLength: min, maxLength: max }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: min, maxLength: max }).filter((v) => v.length <= (s.maxLength ?? Infinity)) },
    { weight: 1, arbitrary: fc.constantFrom('x'.repeat(Math.max(min, 1)), 'x'.repeat(s.maxLength ?? Math.max(min, 1))) }
  );
}

/**
 * Values that a JSON Schema accepts (best effort: zod refinements such as `from <= to` are not in
 * the schema). `defs` resolves `#/definitions/...` references.
 */
export function fromSchema(schema: JsonSchema, defs: Record<string, JsonSchema> = schema.definitions ?? {}, depth = 0): fc.Arbitrary<unknown> {
  if (depth > 8) {
    return fc.constant(null);
  }
  const next = (s: JsonSchema) => fromSchema(s, defs, depth + 1);
  let arb: fc.Arbitrary<unknown>;
  if (schema.$ref) {
    const name = schema.$ref.replace(/^#\/(definitions|\$defs)\//, '');
    const target = defs[name];
    arb = target ? fromSchema(target, defs, depth + 1) : fc.constant({});
  } else if (schema.anyOf || schema.oneOf) {
    arb = fc.oneof(...(schema.anyOf ?? schema.oneOf)!.map(next));
  } else if (schema.allOf) {
    arb = next(schema.allOf[0]);
  } else if (schema.enum) {
    arb = fc.constantFrom(...schema.enum);
  } else if (schema.const !== undefined) {
    arb = fc.constant(schema.const);
  } else {
    const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
    switch (type) {
      case 'object': {
        const props = schema.properties ?? {};
        const required = new Set(schema.required ?? []);
        const model: Record<string, fc.Arbitrary<unknown>> = {};
        for (const [k, v] of Object.entries(props)) {
          model[k] = next(v);
        }
        const fixed = fc.record(model, { requiredKeys: Object.keys(props).filter((k) => required.has(k)) });
        if (Object.keys(props).length === 0 && schema.additionalProperties && schema.additionalProperties !== true) {
          arb = fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), next(schema.additionalProperties), { maxKeys: 4, noNullPrototype: true });
        } else if (Object.keys(props).length === 0) {
          arb = fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3, noNullPrototype: true });
        } else {
          arb = fixed;
        }
        break;
      }
      case 'array':
        arb = fc.array(schema.items ? next(schema.items) : fc.jsonValue({ maxDepth: 1 }), {
          minLength: schema.minItems ?? 0,
          maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 3, 3)),
        });
        break;
      case 'string':
        arb = stringFor(schema);
        break;
      case 'integer':
        arb = integerIn(schema.minimum ?? -1_000_000, schema.maximum ?? 1_000_000);
        break;
      case 'number':
        arb = fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true });
        break;
      case 'boolean':
        arb = fc.boolean();
        break;
      case 'null':
        arb = fc.constant(null);
        break;
      default:
        arb = fc.jsonValue({ maxDepth: 2 });
    }
  }
  return schema.nullable ? fc.oneof({ weight: 4, arbitrary: arb }, { weight: 1, arbitrary: fc.constant(null) }) : arb;
}

/** One change to a JSON value at one place: delete a key, or put a wrong value there. */
export type Mutation = { kind: 'delete' } | { kind: 'replace'; value: unknown };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<Mutation>({ kind: 'delete' }) },
  { weight: 4, arbitrary: wrongValue.map((value): Mutation => ({ kind: 'replace', value })) }
);

type Path = Array<string | number>;

/** Every place in a JSON value, the root first, in a stable order. */
export function pathsOf(value: unknown, path: Path = [], out: Path[] = []): Path[] {
  out.push(path);
  if (Array.isArray(value)) {
    value.forEach((v, i) => pathsOf(v, [...path, i], out));
  } else if (value !== null && typeof value === 'object') {
    for (const k of Object.keys(value)) {
      pathsOf((value as Record<string, unknown>)[k], [...path, k], out);
    }
  }
  return out;
}

/** A copy of `value` with `m` applied at its `index`-th place (modulo the number of places). */
export function mutateAt(value: unknown, index: number, m: Mutation): { value: unknown; path: Path } {
  const paths = pathsOf(value);
  const path = paths[index % paths.length];
  if (path.length === 0) {
    return { value: m.kind === 'delete' ? undefined : m.value, path };
  }
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let parent: any = copy;
  for (const p of path.slice(0, -1)) {
    parent = parent[p];
  }
  const last = path[path.length - 1];
  if (m.kind === 'delete') {
    if (Array.isArray(parent)) {
      parent.splice(last as number, 1);
    } else {
      delete parent[last];
    }
  } else {
    Object.defineProperty(parent, last, { value: m.value, enumerable: true, writable: true, configurable: true });
  }
  return { value: copy, path };
}

/** Values of the schema with one place changed (possibly still valid: a near miss). */
export function nearValid(schema: JsonSchema): fc.Arbitrary<unknown> {
  return fc.tuple(fromSchema(schema), fc.nat(), mutation).map(([v, i, m]) => mutateAt(v, i, m).value);
}

/** JSON text for a body: mostly shaped by the route's schema, else anything at all. */
export function bodyText(schema: JsonSchema | undefined): fc.Arbitrary<string> {
  const shaped = schema
    ? [
        { weight: 3, arbitrary: fromSchema(schema).map((v) => JSON.stringify(v) ?? 'null') },
        { weight: 4, arbitrary: nearValid(schema).map((v) => JSON.stringify(v) ?? 'null') },
        // Deep nesting under each key the schema knows, where validation may let it through.
        { weight: 1, arbitrary: fc.tuple(fromSchema(schema), deepJsonText).map(([v, deep]) => injectDeep(v, deep)) },
      ]
    : [];
  return fc.oneof(...shaped, { weight: 3, arbitrary: anyJsonText });
}

const DEEP_MARKER = '__fuzz_deep_json__';

/** JSON text of `value` with deep JSON text at its last place (a leaf, where open-ended values sit). */
export function injectDeep(value: unknown, deep: string): string {
  const paths = pathsOf(value).filter((p) => p.length > 0);
  if (paths.length === 0) {
    return deep;
  }
  const { value: marked } = mutateAt(value, paths.length - 1, { kind: 'replace', value: DEEP_MARKER });
  return JSON.stringify(marked).replace(JSON.stringify(DEEP_MARKER), deep);
}

// ---------------------------------------------------------------------------------------------
// Events of `POST /api/v1/events`

export const VALID_SEVERITIES = [...EVENT_SEVERITIES, 'HIGH', 'Critical', 'iNfO'] as const;

/** A string an id field takes: 1 to 256 UTF-16 units, any well-formed text. */
const idText = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).filter((s) => s.length <= 256),
  fc.constantFrom('__proto__', 'constructor', 'a'.repeat(256), '😀'.repeat(128), '😀'.repeat(256), 'e\u0301', '../x', '%00')
);

const metadataValue: fc.Arbitrary<Record<string, unknown>> = fc.dictionary(
  fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('constructor', 'toString', 'endpoint', 'status_code')),
  fc.jsonValue({ maxDepth: 3 }),
  { maxKeys: 4, noNullPrototype: true }
);

/** A valid event of the contract (unique `event_id` is up to the caller). */
export const validEvent: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    event_id: idText,
    timestamp: fc.oneof(
      dateInRange.map((d) => d.toISOString()),
      dateInRange.map((d) => d.toISOString().slice(0, 10)),
      dateInRange.map((d) => d.getTime()),
      fc.constantFrom('2026-11-26T10:30:00Z', '2026-11-26T12:30:00+02:00', 0, '0001-01-01T00:00:00Z')
    ),
    event_type: idText,
    source: idText,
    severity: fc.constantFrom(...VALID_SEVERITIES),
    message: fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('', 'm'.repeat(8192))),
    metadata: metadataValue,
    correlation_id: fc.oneof(idText, fc.constant(null)),
  },
  { requiredKeys: ['event_type', 'source', 'message'] }
);

/** A mutation that makes an event invalid, and the field the 400 names (`''`: the element itself). */
export interface EventBreak {
  field: string;
  apply: (e: Record<string, unknown>) => unknown;
}

const set =
  (field: string, value: unknown) =>
  (e: Record<string, unknown>): unknown => ({ ...e, [field]: value });
const drop =
  (field: string) =>
  (e: Record<string, unknown>): unknown => {
    const { [field]: _gone, ...rest } = e;
    return rest;
  };

/** `{"a": {"a": ... 1}}`, `depth` objects deep, built without recursion. */
export function nested(depth: number): Record<string, unknown> {
  let v: Record<string, unknown> = { a: 1 };
  for (let i = 1; i < depth; i++) {
    v = { a: v };
  }
  return v;
}

const notAString = fc.constantFrom<unknown>(1, 0, -1.5, true, false, [], ['x'], {}, { a: 'b' }, null);

/** Ways to break exactly one field of a valid event, each surely invalid. */
export const eventBreak: fc.Arbitrary<EventBreak> = fc.oneof(
  fc.constantFrom('event_type', 'source', 'message').map((f): EventBreak => ({ field: f, apply: drop(f) })),
  fc
    .tuple(fc.constantFrom('event_type', 'source', 'message', 'event_id'), notAString)
    .map(([f, v]): EventBreak => ({ field: f, apply: set(f, v) })),
  fc.constantFrom('event_type', 'source', 'event_id', 'correlation_id').map((f): EventBreak => ({ field: f, apply: set(f, '') })),
  fc
    .tuple(fc.constantFrom('event_type', 'source', 'event_id', 'correlation_id'), fc.integer({ min: 257, max: 2000 }))
    .map(([f, n]): EventBreak => ({ field: f, apply: set(f, 'x'.repeat(n)) })),
  fc.integer({ min: 8193, max: 20_000 }).map((n): EventBreak => ({ field: 'message', apply: set('message', 'm'.repeat(n)) })),
  fc
    .constantFrom<unknown>('urgent', '', 'HIGHEST', 3, null, true, ['high'], { high: 1 }, 'constructor', '__proto__')
    .map((v): EventBreak => ({ field: 'severity', apply: set('severity', v) })),
  fc
    .constantFrom<unknown>('yesterday', '', -1, 1.5, 2 ** 53, 1e300, '2026-13-01T00:00:00Z', '2026-11-26 10:30', '2026-11-26T10:30:00', true, null, [], {}, 'NaN')
    .map((v): EventBreak => ({ field: 'timestamp', apply: set('timestamp', v) })),
  fc.constantFrom<unknown>([], ['a'], 'x', 1, null, true).map((v): EventBreak => ({ field: 'metadata', apply: set('metadata', v) })),
  // Deeper than the store can write (and than MAX_METADATA_DEPTH).
  fc.integer({ min: 33, max: 3000 }).map((depth): EventBreak => ({ field: 'metadata', apply: set('metadata', nested(depth)) })),
  // Half a surrogate pair: the store keeps other bytes than the id holds.
  fc
    .tuple(fc.constantFrom('event_id', 'event_type', 'source', 'correlation_id'), fc.constantFrom('\ud800', 'a\udfff', '\udc00\ud800', `${'😀'.repeat(10)}\ud83d`))
    .map(([f, v]): EventBreak => ({ field: f, apply: set(f, v) })),
  // Past the last time a Date can hold.
  fc.constantFrom(8.64e15 + 1, Number.MAX_SAFE_INTEGER).map((v): EventBreak => ({ field: 'timestamp', apply: set('timestamp', v) })),
  fc.constantFrom<unknown>(1, true, [], {}).map((v): EventBreak => ({ field: 'correlation_id', apply: set('correlation_id', v) })),
  fc.constantFrom<unknown>(null, 1, 'event', true, [], [{}]).map((v): EventBreak => ({ field: '', apply: () => v }))
);

/** Valid events and events with one field broken, for routes that take events. */
export const nearValidEvent: fc.Arbitrary<unknown> = fc.oneof(
  validEvent,
  fc.tuple(validEvent, eventBreak).map(([e, b]) => b.apply(e)),
  fc.tuple(validEvent, fc.nat(), mutation).map(([e, i, m]) => mutateAt(e, i, m).value)
);

/** Event text whose metadata nests deep (JSON.stringify, used to store it, recurses). */
export const deepMetadataEventText: fc.Arbitrary<string> = fc
  .tuple(validEvent, deepJsonText.filter((t) => t.startsWith('{')))
  .map(([e, deep]) => JSON.stringify({ ...e, metadata: DEEP_MARKER }).replace(JSON.stringify(DEEP_MARKER), deep));

/** Bodies of `POST /api/v1/events`: one event or a batch, near-valid, or with deep metadata. */
export const eventsBodyText: fc.Arbitrary<string> = fc.oneof(
  nearValidEvent.map((e) => JSON.stringify(e) ?? 'null'),
  fc.array(nearValidEvent, { maxLength: 8 }).map((es) => JSON.stringify(es)),
  deepMetadataEventText,
  fc.array(deepMetadataEventText, { minLength: 1, maxLength: 2 }).map((ts) => `[${ts.join(',')}]`)
);

// ---------------------------------------------------------------------------------------------
// Alertmanager and Grafana webhook payloads, mutated from the fixtures

export type Fixture = Record<string, unknown>;
export const ALERTMANAGER_FIXTURE = alertmanagerFixture as Fixture;
export const GRAFANA_FIXTURE = grafanaFixture as Fixture;

/** Label and annotation values that steer the mapping: severity words, incident types, poison keys. */
const labelValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('critical', 'CRITICAL', ' error ', 'warning', 'info', 'low', 'high', 'page', 'constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', ''),
  fc.constantFrom(...INCIDENT_TYPES, 'ERROR_BURST', ' disk_space_low '),
  nastyString
);

const labelKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('alertname', 'severity', 'service', 'job', 'instance', 'incident_type', 'summary', 'description', '__proto__', 'constructor', 'toString', ''),
  fc.string({ maxLength: 10 })
);

const labelMap: fc.Arbitrary<Record<string, string>> = fc.dictionary(labelKey, labelValue, { maxKeys: 6, noNullPrototype: true });

const alertTime: fc.Arbitrary<string> = fc.oneof(
  dateInRange.map((d) => d.toISOString()),
  fc.constantFrom(
    '0001-01-01T00:00:00Z',
    '0001-01-01T00:00:00.000000000Z',
    '0001-01-01T00:00:00+00:00',
    '2026-11-26T10:25:00.123456789Z',
    '2026-11-26T10:25:00-07:00',
    '2026-11-26T10:25:00+14:00',
    '9999-12-31T23:59:59Z',
    '0000-01-01T00:00:00Z',
    '1970-01-01T00:00:00Z'
  ),
  // RFC 3339 puts no bound on the fraction's digits.
  fc.integer({ min: 10, max: 400 }).map((n) => `2026-11-26T10:25:00.${'1'.repeat(n)}Z`)
);

/** An alert built from scratch (valid per schema) with labels that hit every fallback of the mapping. */
const generatedAlert = (grafana: boolean): fc.Arbitrary<Record<string, unknown>> =>
  fc.record(
    {
      status: fc.constantFrom('firing', 'resolved'),
      labels: labelMap,
      annotations: labelMap,
      startsAt: alertTime,
      endsAt: alertTime,
      generatorURL: fc.oneof(fc.constant(''), fc.webUrl()),
      fingerprint: fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.constant('f'.repeat(128)), fc.string({ unit: 'binary', minLength: 1, maxLength: 8 })),
      ...(grafana
        ? {
            dashboardURL: fc.oneof(fc.constant(''), fc.webUrl()),
            panelURL: fc.oneof(fc.constant(''), fc.webUrl()),
            values: fc.oneof(fc.constant(null), fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(null)), { maxKeys: 3, noNullPrototype: true })),
            valueString: fc.string({ maxLength: 20 }),
          }
        : {}),
    },
    { requiredKeys: ['status', 'labels', 'startsAt'] }
  );

/** Payloads: the fixture with generated alerts and group fields, valid per the webhook schema. */
export function validWebhook(fixture: Fixture, grafana: boolean): fc.Arbitrary<Fixture> {
  return fc
    .record({
      alerts: fc.oneof(fc.constant(fixture.alerts as unknown[]), fc.array(generatedAlert(grafana), { minLength: 0, maxLength: 5 })),
      groupKey: fc.oneof(fc.constant(fixture.groupKey as string), nastyString),
      receiver: fc.oneof(fc.constant(fixture.receiver as string), nastyString),
      status: fc.constantFrom('firing', 'resolved'),
      externalURL: fc.oneof(fc.constant(''), fc.webUrl(), fc.constant(undefined)),
      title: fc.oneof(fc.constant(undefined), nastyString),
    })
    .map(({ externalURL, title, ...rest }) => {
      const out: Fixture = { ...structuredClone(fixture), ...rest };
      if (externalURL === undefined) {
        delete out.externalURL;
      } else {
        out.externalURL = externalURL;
      }
      if (grafana) {
        if (title === undefined) {
          delete out.title;
        } else {
          out.title = title;
        }
      }
      return out;
    });
}

/** The fixture (or a generated valid payload) with 1 to 3 places deleted or changed to a wrong value. */
export function mutatedWebhook(fixture: Fixture, grafana: boolean): fc.Arbitrary<unknown> {
  return fc
    .tuple(validWebhook(fixture, grafana), fc.array(fc.tuple(fc.nat(), mutation), { minLength: 1, maxLength: 3 }))
    .map(([payload, changes]) => changes.reduce<unknown>((v, [i, m]) => mutateAt(v, i, m).value, payload));
}

/** What a webhook route or mapper may get: valid, near-valid, or anything. */
export function webhookPayload(fixture: Fixture, grafana: boolean): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: validWebhook(fixture, grafana) },
    { weight: 4, arbitrary: mutatedWebhook(fixture, grafana) },
    { weight: 1, arbitrary: jsonTree.map((t) => JSON.parse(renderJson(t)) as unknown) }
  );
}

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
