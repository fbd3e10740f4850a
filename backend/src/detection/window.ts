/** An item that lives at a point of event time, ordered by (ts, seq). */
export interface Timed {
  ts: number;
  seq: number;
}

function before(a: Timed, b: Timed): boolean {
  return a.ts < b.ts || (a.ts === b.ts && a.seq < b.seq);
}

/**
 * Items kept sorted by event time. Events mostly arrive in order, so adding is an append;
 * a late event is inserted where its timestamp puts it. Old items are dropped from the front.
 */
export class SortedWindow<T extends Timed> {
  private items: T[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  add(item: T): void {
    const items = this.items;
    if (items.length === this.head || !before(item, items[items.length - 1])) {
      items.push(item);
      return;
    }
    let lo = this.head;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(item, items[mid])) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    items.splice(lo, 0, item);
  }

  /** Index of the first item with ts >= t. */
  private lowerBound(t: number): number {
    let lo = this.head;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.items[mid].ts < t) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Index past the last item with ts <= t. */
  private upperBound(t: number): number {
    let lo = this.head;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.items[mid].ts <= t) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** How many items have from <= ts <= to. */
  countBetween(from: number, to: number): number {
    return Math.max(0, this.upperBound(to) - this.lowerBound(from));
  }

  /** The items with from <= ts <= to, oldest first. */
  between(from: number, to: number): T[] {
    return this.items.slice(this.lowerBound(from), this.upperBound(to));
  }

  /** The items with ts >= from, oldest first. */
  from(from: number): T[] {
    return this.items.slice(this.lowerBound(from));
  }

  /** The last item at or before `point` in (ts, seq) order, if any. */
  lastAtOrBefore(point: Timed): T | undefined {
    let lo = this.head;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (!before(point, this.items[mid])) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo > this.head ? this.items[lo - 1] : undefined;
  }

  /** Drops items older than `cutoff`, and the oldest beyond `maxSize`. */
  prune(cutoff: number, maxSize: number): void {
    let h = this.lowerBound(cutoff);
    if (this.items.length - h > maxSize) {
      h = this.items.length - maxSize;
    }
    this.head = h;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }

  newest(): T | undefined {
    return this.items.length > this.head ? this.items[this.items.length - 1] : undefined;
  }
}

/**
 * Points of event time (ts, seq) kept sorted, as {@link SortedWindow} keeps items, but in two
 * Float64Arrays rather than an object each: the detector keeps one per source of every countable
 * event while escalations use window ratios, up to a million and more, and objects would cost
 * four times the memory and the garbage collector's time to mark. Only counting is offered.
 */
export class TimeWindow {
  private ts: Float64Array;
  private seq: Float64Array;
  private head = 0;
  private tail = 0;

  constructor(capacity = 8) {
    this.ts = new Float64Array(capacity);
    this.seq = new Float64Array(capacity);
  }

  get size(): number {
    return this.tail - this.head;
  }

  /** Adds a point; mostly an append, a late one is inserted where (ts, seq) puts it. */
  add(ts: number, seq: number): void {
    if (this.tail === this.ts.length) {
      this.makeRoom();
    }
    const t = this.tail;
    if (t === this.head || ts > this.ts[t - 1] || (ts === this.ts[t - 1] && seq >= this.seq[t - 1])) {
      this.ts[t] = ts;
      this.seq[t] = seq;
      this.tail = t + 1;
      return;
    }
    // First index whose point is after (ts, seq); the new point goes there.
    let lo = this.head;
    let hi = t;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ts < this.ts[mid] || (ts === this.ts[mid] && seq < this.seq[mid])) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    this.ts.copyWithin(lo + 1, lo, t);
    this.seq.copyWithin(lo + 1, lo, t);
    this.ts[lo] = ts;
    this.seq[lo] = seq;
    this.tail = t + 1;
  }

  /** Moves the live points to the front, into arrays twice as large when more than half of them is live. */
  private makeRoom(): void {
    if (this.size * 2 > this.ts.length) {
      this.resize(this.ts.length * 2);
    } else {
      this.ts.copyWithin(0, this.head, this.tail);
      this.seq.copyWithin(0, this.head, this.tail);
      this.tail -= this.head;
      this.head = 0;
    }
  }

  /** The live points, moved to the front of arrays of `capacity` (at least their number). */
  private resize(capacity: number): void {
    const ts = new Float64Array(capacity);
    const seq = new Float64Array(capacity);
    ts.set(this.ts.subarray(this.head, this.tail));
    seq.set(this.seq.subarray(this.head, this.tail));
    this.ts = ts;
    this.seq = seq;
    this.tail -= this.head;
    this.head = 0;
  }

  /** Index of the first point with ts >= t (strict: ts > t). */
  private bound(t: number, strict: boolean): number {
    let lo = this.head;
    let hi = this.tail;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ts[mid] < t || (strict && this.ts[mid] === t)) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** How many points have from <= ts <= to. */
  countBetween(from: number, to: number): number {
    return Math.max(0, this.bound(to, true) - this.bound(from, false));
  }

  /** Drops points older than `cutoff`, and the oldest beyond `maxSize`; gives memory back once mostly empty. */
  prune(cutoff: number, maxSize: number): void {
    let h = this.bound(cutoff, false);
    if (this.tail - h > maxSize) {
      h = this.tail - maxSize;
    }
    this.head = h;
    const n = this.size;
    if (this.ts.length > 64 && n * 4 < this.ts.length) {
      this.resize(Math.max(8, n * 2));
    }
  }
}
