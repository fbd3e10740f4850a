import type { EventWindow } from './window';

/**
 * What a threshold search needs of a rule: its window, threshold and minimum of components, and,
 * for a rule that counts only unbroken runs, where each source's runs were last broken.
 */
export interface CrossingRule {
  windowMs: number;
  threshold: number;
  minComponents: number;
  /**
   * The time of the last event of `source` (interned) at or before `t` that the rule did not
   * select, or -Infinity; null when the rule counts every event (no `require_consecutive`).
   */
  lastBreak: ((source: number, t: number) => number) | null;
}

/**
 * Whether the event at position `i` counts in the window that ends at `t`: it lies in
 * [t - window, t] and, under `require_consecutive`, no event of its source that the rule did not
 * select lies between it and `t`. A break at the same millisecond as a counted event breaks it,
 * so that the outcome does not depend on which of the two arrived first.
 */
export function countsAt(w: EventWindow, rule: CrossingRule, i: number, t: number): boolean {
  const ts = w.tsAt(i);
  if (ts < t - rule.windowMs || ts > t) {
    return false;
  }
  return rule.lastBreak === null || ts > rule.lastBreak(w.sourceAt(i), t);
}

/** The positions of the events that count in the window ending at `t`, in (ts, seq) order. */
export function countedAt(w: EventWindow, rule: CrossingRule, t: number): number[] {
  const out: number[] = [];
  const hi = w.upperBound(t);
  for (let i = w.lowerBound(t - rule.windowMs); i < hi; i++) {
    if (rule.lastBreak === null || countsAt(w, rule, i, t)) {
      out.push(i);
    }
  }
  return out;
}

/** Whether the window ending at `t` holds enough counted events from enough sources. */
function crossesAt(w: EventWindow, rule: CrossingRule, t: number): boolean {
  const lo = w.lowerBound(t - rule.windowMs);
  const hi = w.upperBound(t);
  if (hi - lo < rule.threshold) {
    return false;
  }
  if (rule.lastBreak === null && rule.minComponents <= 1) {
    return true;
  }
  let count = 0;
  const sources = new Set<number>();
  for (let i = lo; i < hi; i++) {
    if (rule.lastBreak === null || countsAt(w, rule, i, t)) {
      count += 1;
      sources.add(w.sourceAt(i));
    }
  }
  return count >= rule.threshold && sources.size >= rule.minComponents;
}

/**
 * The earliest time `t` in [from, to] (and before `before`) that is the time of an event in the
 * window and whose window [t - window, t] crosses the rule's threshold, or null. The windows that
 * contain an event at `ts` end in [ts, ts + window], so this is how a late event finds every window
 * it completes.
 */
export function earliestCrossing(w: EventWindow, rule: CrossingRule, from: number, to: number, before = Infinity): number | null {
  const hi = w.upperBound(to);
  // Every window searched lies inside [from - window, to]: too few events there, no crossing.
  if (hi - w.lowerBound(from - rule.windowMs) < rule.threshold) {
    return null;
  }
  const candidates: number[] = [];
  for (let i = w.lowerBound(from); i < hi; i++) {
    const t = w.tsAt(i);
    if (t >= before) {
      break;
    }
    if (candidates.length === 0 || candidates[candidates.length - 1] !== t) {
      candidates.push(t);
    }
  }
  if (candidates.length <= 2 || (rule.lastBreak === null && rule.minComponents <= 1)) {
    for (const t of candidates) {
      if (crossesAt(w, rule, t)) {
        return t;
      }
    }
    return null;
  }
  return earliestBySource(w, rule, candidates, from, hi);
}

/**
 * The same search over many candidate times (a late event among many later ones): each source's
 * event times are gathered once, so each candidate costs a binary search per source instead of a
 * scan of its window.
 */
function earliestBySource(w: EventWindow, rule: CrossingRule, candidates: number[], from: number, hi: number): number | null {
  const bySource = new Map<number, number[]>();
  for (let i = w.lowerBound(from - rule.windowMs); i < hi; i++) {
    const src = w.sourceAt(i);
    let list = bySource.get(src);
    if (!list) {
      list = [];
      bySource.set(src, list);
    }
    list.push(w.tsAt(i));
  }
  for (const t of candidates) {
    let count = 0;
    let sources = 0;
    for (const [src, times] of bySource) {
      const broken = rule.lastBreak === null ? -Infinity : rule.lastBreak(src, t);
      // Counted: t - window <= ts <= t, and after the last break (a break at ts itself breaks it).
      const lo = broken >= t - rule.windowMs ? firstAbove(times, broken) : firstAtLeast(times, t - rule.windowMs);
      const n = firstAbove(times, t) - lo;
      if (n > 0) {
        count += n;
        sources += 1;
      }
    }
    if (count >= rule.threshold && sources >= rule.minComponents) {
      return t;
    }
  }
  return null;
}

/** Index of the first value >= x in a sorted array. */
function firstAtLeast(sorted: number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

/** Index of the first value > x in a sorted array. */
function firstAbove(sorted: number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= x) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}
