import type { NewEvent, StoredEvent } from '../domain/records';
import { GroupCommitter } from './group-commit';

const ev = (id: string): NewEvent => ({
  event_id: id,
  ts: 1,
  received_at: 1,
  event_type: 't',
  source: 's',
  severity: 'info',
  message: '',
  metadata: {},
  correlation_id: null,
});

const tick = () => new Promise((r) => setImmediate(r));

/** A store that appends in order and an engine whose steps finish when the test says. */
function harness() {
  let seq = 0;
  const ids = new Set<string>();
  const log: string[] = [];
  let appending = 0;
  const steps: Array<{ stored: StoredEvent[]; done: () => void }> = [];
  const committer = new GroupCommitter({
    append: async (events) => {
      appending += 1;
      expect(appending).toBe(1); // one append at a time
      await tick();
      const out: StoredEvent[] = [];
      for (const e of events) {
        if (!ids.has(e.event_id)) {
          ids.add(e.event_id);
          out.push({ ...e, seq: ++seq });
        }
      }
      log.push(`append ${out.map((e) => e.seq).join(',')}`);
      appending -= 1;
      return out;
    },
    afterCommit: (stored) =>
      new Promise<void>((done) => {
        log.push(`step ${stored.map((e) => e.seq).join(',')}`);
        steps.push({ stored, done });
      }),
    maxRows: 1000,
    onError: () => undefined,
  });
  return { committer, log, steps };
}

describe('GroupCommitter', () => {
  it('answers a request only after its step, appends the next group meanwhile, at most one step behind', async () => {
    const { committer, log, steps } = harness();
    let firstAnswered = false;
    const first = committer.submit([ev('a'), ev('b')]).then((r) => ((firstAnswered = true), r));
    await tick();
    await tick();
    const second = committer.submit([ev('c'), ev('a')]);
    for (let i = 0; i < 5; i++) {
      await tick();
    }
    expect(log).toEqual(['append 1,2', 'step 1,2', 'append 3', 'step 3']);
    expect(firstAnswered).toBe(false);
    const third = committer.submit([ev('d')]);
    for (let i = 0; i < 5; i++) {
      await tick();
    }
    // Two steps unfinished: the third group waits for the first step.
    expect(log).toHaveLength(4);
    steps[0].done();
    await expect(first).resolves.toEqual({ accepted: 2, duplicates: 0 });
    for (let i = 0; i < 5; i++) {
      await tick();
    }
    expect(log.slice(4)).toEqual(['append 4', 'step 4']);
    steps[1].done();
    steps[2].done();
    await expect(second).resolves.toEqual({ accepted: 1, duplicates: 1 });
    await expect(third).resolves.toEqual({ accepted: 1, duplicates: 0 });
    await committer.flushed();
  });

  it('takes what arrives while the last step runs (no request is left waiting)', async () => {
    const { committer, steps } = harness();
    const first = committer.submit([ev('a')]);
    while (steps.length === 0) {
      await tick();
    }
    // Submitted while the drain waits for the last step: no new drain is started for it.
    const late = committer.submit([ev('b')]);
    steps[0].done();
    await first;
    while (steps.length < 2) {
      await tick();
    }
    steps[1].done();
    await expect(late).resolves.toEqual({ accepted: 1, duplicates: 0 });
    await committer.flushed();
  });

  it('refuses a group whose append fails, and goes on with the next', async () => {
    let fail = true;
    const committer = new GroupCommitter({
      append: async (events) => {
        await tick();
        if (fail) {
          fail = false;
          throw new Error('disk full');
        }
        return events.map((e, i) => ({ ...e, seq: i + 1 }));
      },
      afterCommit: async () => undefined,
      maxRows: 1000,
      onError: () => undefined,
    });
    const failed = committer.submit([ev('a')]);
    await expect(failed).rejects.toThrow('disk full');
    await expect(committer.submit([ev('b')])).resolves.toEqual({ accepted: 1, duplicates: 0 });
  });
});
