/** The time source of everything that depends on time; tests inject a ManualClock. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that moves only when told to. */
export class ManualClock implements Clock {
  constructor(private ms: number = Date.parse('2026-11-26T10:00:00Z')) {}

  now(): number {
    return this.ms;
  }

  set(ms: number | string): void {
    this.ms = typeof ms === 'string' ? Date.parse(ms) : ms;
  }

  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}
