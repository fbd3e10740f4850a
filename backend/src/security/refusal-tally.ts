import type { Insertable } from 'kysely';
import type { AuditLogTable } from '../store/db';

export type AuditInsert = Insertable<AuditLogTable>;

/** Where the tally writes: an entry that can be counted up, and its count. */
export interface TallySink {
  appendCounted(entry: AuditInsert): Promise<number>;
  setCount(seq: number, count: number, lastAt: number): Promise<void>;
}

/** Distinct (address, reason, route) tallies held at once; past that, the rest are tallied per reason and route only. */
const MAX_TALLIES = 1000;

interface Tally {
  first: number;
  last: number;
  count: number;
  /** The count the stored entry has (or is being given). */
  written: number;
  /** The stored entry's seq; undefined when its write failed. */
  seq: Promise<number | undefined>;
  /** Writes of this entry's count, one after the other, so an older count never lands last. */
  writing: Promise<void>;
}

/**
 * Refusals of callers without a valid key, counted instead of written one by one: the first from an
 * address for a route and reason is an entry at once (the log holds it before the answer goes out);
 * the rest within the window only count up in memory, and the entry's count and last time are
 * written by `flush` (the audit log's timer, a read of the log, the next window's first refusal).
 * So however fast anyone without a key knocks, the log grows by one entry per address, route and
 * reason per window (reliability.md, item 23).
 */
export class RefusalTally {
  private readonly tallies = new Map<string, Tally>();

  constructor(
    private readonly sink: TallySink,
    private readonly windowMs: number,
    private readonly onError: (err: unknown) => void
  ) {}

  /** Counts one refusal; resolves once an entry that holds it is stored (or counted toward one that is). */
  async count(entry: AuditInsert): Promise<void> {
    const now = Number(entry.at);
    let key = keyOf(entry);
    if (!this.tallies.has(key) && this.tallies.size >= MAX_TALLIES) {
      await this.flush(now);
      if (this.tallies.size >= MAX_TALLIES) {
        entry = { ...entry, remote_addr: null, user_agent: null, detail: `${entry.detail ?? ''} (from more addresses than are counted apart)` };
        key = keyOf(entry);
      }
    }
    const tally = this.tallies.get(key);
    if (tally && now - tally.first < this.windowMs) {
      tally.count += 1;
      tally.last = Math.max(tally.last, now);
      return;
    }
    const seq = this.sink.appendCounted({ ...entry, count: 1 }).catch((err: unknown) => {
      this.onError(err);
      return undefined;
    });
    this.tallies.set(key, { first: now, last: now, count: 1, written: 1, seq, writing: seq.then(() => undefined) });
    // The window that ended gets its final count.
    await Promise.all([seq, tally && this.write(tally)]);
  }

  /** Writes every count not yet stored; forgets the tallies whose window ended before `now`. */
  async flush(now: number): Promise<void> {
    await Promise.all(
      [...this.tallies].map(async ([key, tally]) => {
        if (now - tally.first >= this.windowMs && this.tallies.get(key) === tally) {
          this.tallies.delete(key);
        }
        await this.write(tally);
      })
    );
  }

  private write(t: Tally): Promise<void> {
    t.writing = t.writing
      .then(async () => {
        const seq = await t.seq;
        if (seq === undefined || t.count === t.written) {
          return;
        }
        const { count, last } = t;
        t.written = count;
        await this.sink.setCount(seq, count, last);
      })
      .catch(this.onError);
    return t.writing;
  }
}

function keyOf(e: AuditInsert): string {
  return [e.remote_addr, e.detail, e.method, e.route].join('\n');
}
