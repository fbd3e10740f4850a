/**
 * fast-check arbitraries for fuzzing the backend's inputs: hostile strings and numbers, arbitrary
 * JSON (as text, so that it can hold what JSON.stringify cannot write: `1e999`, duplicate keys,
 * `__proto__` keys), and values built from the routes' own JSON Schemas (valid, and with one place
 * broken). Events and webhook payloads are in payloads.ts, raw bodies and URL parts in http-parts.ts.
 */
import fc from 'fast-check';

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

export const dateInRange = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2030-12-31T23:59:59Z'), noInvalidDate: true });

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

export const DEEP_MARKER = '__fuzz_deep_json__';

/** JSON text of `value` with deep JSON text at its last place (a leaf, where open-ended values sit). */
export function injectDeep(value: unknown, deep: string): string {
  const paths = pathsOf(value).filter((p) => p.length > 0);
  if (paths.length === 0) {
    return deep;
  }
  const { value: marked } = mutateAt(value, paths.length - 1, { kind: 'replace', value: DEEP_MARKER });
  return JSON.stringify(marked).replace(JSON.stringify(DEEP_MARKER), deep);
}
