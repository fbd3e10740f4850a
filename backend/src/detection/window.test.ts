import { EventWindow, TimeWindow } from './window';

/** A little deterministic generator, so a failure repeats. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

type Point = { ts: number; seq: number; src: number };

function contents(w: EventWindow): Point[] {
  const out: Point[] = [];
  for (let i = w.start; i < w.end; i++) {
    out.push({ ts: w.tsAt(i), seq: w.seqAt(i), src: w.sourceAt(i) });
  }
  return out;
}

describe('EventWindow', () => {
  it('keeps (ts, seq) order, counts, prunes and caps as a sorted list of points would', () => {
    const rnd = lcg(7);
    const w = new EventWindow();
    let model: Point[] = [];
    let t = 1_000_000;
    for (let seq = 1; seq <= 5000; seq++) {
      t += Math.floor(rnd() * 100);
      const p = {
        ts: rnd() < 0.2 ? t - Math.floor(rnd() * 2000) : t,
        seq: rnd() < 0.05 ? seq - 1 : seq,
        src: Math.floor(rnd() * 5),
      };
      w.add(p.ts, p.seq, p.src);
      // After every point not after it.
      let at = model.length;
      while (at > 0 && (p.ts < model[at - 1].ts || (p.ts === model[at - 1].ts && p.seq < model[at - 1].seq))) {
        at--;
      }
      model.splice(at, 0, p);
      if (rnd() < 0.02) {
        const cutoff = t - 3000;
        const cap = 50 + Math.floor(rnd() * 500);
        w.prune(cutoff, cap);
        model = model.filter((m) => m.ts >= cutoff);
        model = model.slice(Math.max(0, model.length - cap));
      }
      if (rnd() < 0.05) {
        const from = t - Math.floor(rnd() * 3000);
        expect(w.countBetween(from, t)).toBe(model.filter((m) => m.ts >= from && m.ts <= t).length);
        expect(w.oldestTs()).toBe(model[0]?.ts);
      }
      expect(w.size).toBe(model.length);
    }
    expect(contents(w)).toEqual(model);
    w.clear();
    expect(w.size).toBe(0);
    expect(w.oldestTs()).toBeUndefined();
  });
});

describe('TimeWindow.lastTsAtOrBefore', () => {
  it('finds the time of the last point at or before a time', () => {
    const w = new TimeWindow();
    expect(w.lastTsAtOrBefore(10)).toBe(-Infinity);
    w.add(10, 2);
    w.add(20, 3);
    w.add(10, 5);
    expect(w.lastTsAtOrBefore(9)).toBe(-Infinity);
    expect(w.lastTsAtOrBefore(10)).toBe(10);
    expect(w.lastTsAtOrBefore(15)).toBe(10);
    expect(w.lastTsAtOrBefore(20)).toBe(20);
    expect(w.lastTsAtOrBefore(99)).toBe(20);
  });
});

describe('EventWindow held marks', () => {
  it('travel with their events through late inserts, compaction and growth', () => {
    const w = new EventWindow();
    for (let seq = 1; seq <= 100; seq++) {
      const at = w.add(seq * 10, seq, seq % 3);
      if (seq % 7 === 0) {
        w.setHeld(at);
      }
    }
    // Late events land between held ones and are not held themselves.
    for (let seq = 101; seq <= 150; seq++) {
      w.add((seq - 100) * 10 + 5, seq, 0);
    }
    w.prune(205, 1000);
    const held: number[] = [];
    for (let i = w.start; i < w.end; i++) {
      if (w.heldAt(i)) {
        held.push(w.seqAt(i));
      }
    }
    expect(held).toEqual(Array.from({ length: 14 }, (_, k) => 7 * (k + 3)).filter((s) => s <= 100));
    expect(w.positionOf(215, 121)).toBeGreaterThanOrEqual(0);
    expect(w.heldAt(w.positionOf(210, 21))).toBe(true);
    expect(w.positionOf(215, 999)).toBe(-1);
  });
});
