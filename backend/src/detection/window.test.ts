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

describe('TimeWindow.lastAtOrBefore', () => {
  it('finds the last point at or before another in (ts, seq) order', () => {
    const w = new TimeWindow();
    expect(w.lastAtOrBefore({ ts: 10, seq: 1 })).toBeUndefined();
    w.add(10, 2);
    w.add(20, 3);
    w.add(10, 5);
    expect(w.lastAtOrBefore({ ts: 9, seq: 100 })).toBeUndefined();
    expect(w.lastAtOrBefore({ ts: 10, seq: 1 })).toBeUndefined();
    expect(w.lastAtOrBefore({ ts: 10, seq: 2 })).toEqual({ ts: 10, seq: 2 });
    expect(w.lastAtOrBefore({ ts: 10, seq: 4 })).toEqual({ ts: 10, seq: 2 });
    expect(w.lastAtOrBefore({ ts: 15, seq: 0 })).toEqual({ ts: 10, seq: 5 });
    expect(w.lastAtOrBefore({ ts: 99, seq: 0 })).toEqual({ ts: 20, seq: 3 });
  });
});
