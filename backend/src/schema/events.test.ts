import fc from 'fast-check';
import { eventsBodyText, nearValidEvent, validEvent } from '../../test/fuzz/payloads';
import { IncidentEventInputSchema, parseEventInputFast } from './events';
import { safeParseInput } from './safe-parse';

/** The fast path either declines (undefined) or returns exactly what the schema returns; it never accepts what the schema refuses. */
function agrees(input: unknown): void {
  const fast = parseEventInputFast(input);
  if (fast === undefined) {
    return;
  }
  const full = safeParseInput(IncidentEventInputSchema, input);
  expect(full.success).toBe(true);
  expect(fast).toStrictEqual(full.data);
  // Metadata is never shared with another event (zod's default is a fresh object each time).
  expect(fast.metadata).not.toBe(parseEventInputFast(input)!.metadata);
}

describe('parseEventInputFast', () => {
  it('takes the plain valid event the schema takes', () => {
    const e = { event_id: 'e1', timestamp: '2026-11-26T10:30:00Z', event_type: 'api_error', source: 'svc', severity: 'HIGH', message: 'm' };
    expect(parseEventInputFast(e)).toStrictEqual(IncidentEventInputSchema.parse(e));
    expect(parseEventInputFast({ event_type: 't', source: 's', message: '' })).toStrictEqual(IncidentEventInputSchema.parse({ event_type: 't', source: 's', message: '' }));
  });

  it('declines what the schema refuses', () => {
    for (const bad of [
      null,
      [],
      'x',
      { event_type: 't', source: 's' },
      { event_type: '', source: 's', message: '' },
      { event_type: 't', source: 's', message: '', severity: 'urgent' },
      { event_type: 't', source: 's', message: '', timestamp: 1.5 },
      { event_type: 't', source: 's', message: '', timestamp: '2026-11-26 10:30' },
      { event_type: 't', source: 's', message: '', metadata: [] },
      { event_type: 't', source: 's', message: '', event_id: null },
      { event_type: 't\ud800', source: 's', message: '' },
      { event_type: 't\u0000', source: 's', message: '' },
    ]) {
      expect(parseEventInputFast(bad)).toBeUndefined();
    }
  });

  it('agrees with the schema on valid, near-valid and parsed body events', () => {
    fc.assert(fc.property(validEvent, (e) => agrees(e)), { numRuns: 2000 });
    fc.assert(fc.property(nearValidEvent, (e) => agrees(e)), { numRuns: 3000 });
    fc.assert(
      fc.property(eventsBodyText, (text) => {
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          return; // too deep for JSON.parse: never reaches the schema
        }
        for (const e of Array.isArray(body) ? body : [body]) {
          agrees(e);
        }
      }),
      { numRuns: 1000 }
    );
  });

  it('takes the valid events it is there for', () => {
    // Not a promise about every valid event, but the common ones must not fall back.
    let taken = 0;
    fc.assert(
      fc.property(validEvent, (e) => {
        taken += parseEventInputFast(e) === undefined ? 0 : 1;
      }),
      { numRuns: 500 }
    );
    expect(taken).toBeGreaterThan(400);
  });
});
