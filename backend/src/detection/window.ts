/**
 * Points of event time (ts, seq) kept sorted in typed arrays (events mostly arrive in order, so
 * adding is an append; a late one is inserted where its timestamp puts it; old points drop from the
 * front). Subclasses may keep more columns beside the two. Positions (`start` to `end`) are valid
 * until the next change.
 */
abstract class SortedPoints {
  private ts: Float64Array;
  private seq: Float64Array;
  protected head = 0;
  protected tail = 0;

  constructor(capacity = 8) {
    this.ts = new Float64Array(capacity);
    this.seq = new Float64Array(capacity);
  }

  get size(): number {
    return this.tail - this.head;
  }

  /** Position of the oldest point. */
  get start(): number {
    return this.head;
  }

  /** Position past the newest point. */
  get end(): number {
    return this.tail;
  }

  tsAt(i: number): number {
    return this.ts[i];
  }

  seqAt(i: number): number {
    return this.seq[i];
  }

  /** Puts a point in its place (after every point not after it in (ts, seq) order) and returns its position. */
  protected insert(ts: number, seq: number): number {
    if (this.tail === this.ts.length) {
      this.makeRoom();
    }
    const t = this.tail;
    let at = t;
    if (!(t === this.head || ts > this.ts[t - 1] || (ts === this.ts[t - 1] && seq >= this.seq[t - 1]))) {
      // First position whose point is after (ts, seq); the new point goes there.
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
      at = lo;
      this.shiftUp(at, t);
    }
    this.ts[at] = ts;
    this.seq[at] = seq;
    this.tail = t + 1;
    return at;
  }

  /** Moves positions `from` to `to` (exclusive) one up, to free `from`. */
  protected shiftUp(from: number, to: number): void {
    this.ts.copyWithin(from + 1, from, to);
    this.seq.copyWithin(from + 1, from, to);
  }

  /** Moves the live points to the front, into arrays twice as large when more than half of them is live. */
  private makeRoom(): void {
    if (this.size * 2 > this.ts.length) {
      this.resize(this.ts.length * 2);
    } else {
      this.compact();
    }
  }

  /** Moves the live points to the front of the same arrays. */
  protected compact(): void {
    this.ts.copyWithin(0, this.head, this.tail);
    this.seq.copyWithin(0, this.head, this.tail);
    this.tail -= this.head;
    this.head = 0;
  }

  /** The live points, moved to the front of arrays of `capacity` (at least their number). */
  protected resize(capacity: number): void {
    const ts = new Float64Array(capacity);
    const seq = new Float64Array(capacity);
    ts.set(this.ts.subarray(this.head, this.tail));
    seq.set(this.seq.subarray(this.head, this.tail));
    this.ts = ts;
    this.seq = seq;
    this.tail -= this.head;
    this.head = 0;
  }

  /** Position of the first point with ts >= t (strict: ts > t). */
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

  /** Position of the first point with ts >= t. */
  lowerBound(t: number): number {
    return this.bound(t, false);
  }

  /** Position past the last point with ts <= t. */
  upperBound(t: number): number {
    return this.bound(t, true);
  }

  /** How many points have from <= ts <= to. */
  countBetween(from: number, to: number): number {
    return Math.max(0, this.upperBound(to) - this.lowerBound(from));
  }

  /** The time of the last point at or before `t`, or -Infinity when there is none. */
  lastTsAtOrBefore(t: number): number {
    const i = this.upperBound(t);
    return i > this.head ? this.ts[i - 1] : -Infinity;
  }

  /** The oldest event time held, if any. */
  oldestTs(): number | undefined {
    return this.tail > this.head ? this.ts[this.head] : undefined;
  }

  /** Drops points older than `cutoff`, and the oldest beyond `maxSize`; gives memory back once mostly empty. */
  prune(cutoff: number, maxSize: number): void {
    let h = this.lowerBound(cutoff);
    if (this.tail - h > maxSize) {
      h = this.tail - maxSize;
    }
    this.head = h;
    const n = this.size;
    if (this.ts.length > 64 && n * 4 < this.ts.length) {
      this.resize(Math.max(8, n * 2));
    }
  }

  clear(): void {
    this.head = 0;
    this.tail = 0;
    this.resize(8);
  }
}

/**
 * Points of event time (ts, seq), in two Float64Arrays rather than an object each: the detector
 * keeps one per source of every countable event while escalations use window ratios (and of the
 * events a rule requiring consecutive runs did not select), up to a million and more, and objects
 * would cost four times the memory and the garbage collector's time to mark.
 */
export class TimeWindow extends SortedPoints {
  /** Adds a point; mostly an append, a late one goes after every point not after it in (ts, seq) order. */
  add(ts: number, seq: number): void {
    this.insert(ts, seq);
  }
}

/**
 * What a rule group's window holds of each event it counted: its point of event time (ts, seq),
 * its source (as a number the detector interns) and whether the group's active incident holds it,
 * in typed arrays kept sorted by (ts, seq), about 21 bytes an event where the event object cost
 * some 280. The events themselves stay in the store; a crossing names them by `seq`.
 */
export class EventWindow extends SortedPoints {
  private src: Int32Array;
  private heldFlags: Uint8Array;

  constructor(capacity = 8) {
    super(capacity);
    this.src = new Int32Array(capacity);
    this.heldFlags = new Uint8Array(capacity);
  }

  sourceAt(i: number): number {
    return this.src[i];
  }

  /** Whether the group's active incident holds the event at position `i`. */
  heldAt(i: number): boolean {
    return this.heldFlags[i] === 1;
  }

  setHeld(i: number): void {
    this.heldFlags[i] = 1;
  }

  /** Adds an event (not held); mostly an append, a late one goes after every event not after it in (ts, seq) order. Returns its position. */
  add(ts: number, seq: number, source: number): number {
    // Not `this.src[this.insert(...)]`: insert may replace the arrays, and the old ones would be written.
    const at = this.insert(ts, seq);
    this.src[at] = source;
    this.heldFlags[at] = 0;
    return at;
  }

  /** The position of the event (ts, seq), or -1 when the window does not hold it. */
  positionOf(ts: number, seq: number): number {
    for (let i = this.lowerBound(ts); i < this.end && this.tsAt(i) === ts; i++) {
      if (this.seqAt(i) === seq) {
        return i;
      }
    }
    return -1;
  }

  /** No event is held any more (the incident resolved, or the holds are about to be marked again). */
  clearHeld(): void {
    this.heldFlags.fill(0);
  }

  protected override shiftUp(from: number, to: number): void {
    super.shiftUp(from, to);
    this.src.copyWithin(from + 1, from, to);
    this.heldFlags.copyWithin(from + 1, from, to);
  }

  protected override compact(): void {
    this.src.copyWithin(0, this.head, this.tail);
    this.heldFlags.copyWithin(0, this.head, this.tail);
    super.compact();
  }

  protected override resize(capacity: number): void {
    const src = new Int32Array(capacity);
    src.set(this.src.subarray(this.head, this.tail));
    this.src = src;
    const held = new Uint8Array(capacity);
    held.set(this.heldFlags.subarray(this.head, this.tail));
    this.heldFlags = held;
    super.resize(capacity);
  }
}
