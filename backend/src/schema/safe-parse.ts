import type { z } from 'zod';

/**
 * Copies a parsed JSON value without the own `toString` and `valueOf` keys of its objects. JSON can
 * write `{"length": {"toString": ""}}`, an object that no conversion to a primitive survives; zod
 * runs its length checks (and `z.coerce`) on such a value before it has rejected its type, and
 * throws a TypeError instead of reporting the field. Iterative: the input may be nested deeper
 * than the stack.
 */
export function withoutConversionKeys(value: unknown): unknown {
  const root: { v: unknown } = { v: value };
  const stack: Array<[Record<string | number, unknown>, string | number, unknown]> = [[root as Record<string, unknown>, 'v', value]];
  while (stack.length > 0) {
    const [parent, key, v] = stack.pop()!;
    if (v === null || typeof v !== 'object') {
      continue;
    }
    let copy: Record<string | number, unknown>;
    if (Array.isArray(v)) {
      copy = v.slice() as unknown as Record<number, unknown>;
      v.forEach((item, i) => stack.push([copy, i, item]));
    } else {
      copy = {};
      for (const [k, item] of Object.entries(v)) {
        if (k === 'toString' || k === 'valueOf') {
          continue;
        }
        Object.defineProperty(copy, k, { value: item, enumerable: true, writable: true, configurable: true });
        stack.push([copy, k, item]);
      }
    }
    parent[key] = copy;
  }
  return root.v;
}

/**
 * Runs `fn` on request input; when it throws a TypeError, runs it again on the input without
 * conversion keys, so that such an object is reported as the invalid field it is (a 400) rather
 * than a 500. Anything else thrown, or thrown again, goes on.
 */
export function retryWithoutConversionKeys<T>(input: unknown, fn: (input: unknown) => T): T {
  try {
    return fn(input);
  } catch (err) {
    if (!(err instanceof TypeError)) {
      throw err;
    }
    return fn(withoutConversionKeys(input));
  }
}

/** `schema.safeParse(input)` that reports, rather than throws on, objects zod cannot convert. */
export function safeParseInput<T extends z.ZodType>(schema: T, input: unknown): z.ZodSafeParseResult<z.output<T>> {
  return retryWithoutConversionKeys(input, (v) => schema.safeParse(v));
}
