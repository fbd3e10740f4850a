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
