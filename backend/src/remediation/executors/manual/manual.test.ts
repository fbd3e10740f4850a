import { testContext } from '../test-context';
import { createManualExecutor, ManualExecutorConfigSchema } from '.';

describe('manual executor', () => {
  const instructions = 'Fail over db-1 to the replica, then confirm writes succeed.';

  it('plans the instructions', () => {
    const exec = createManualExecutor(ManualExecutorConfigSchema.parse({ kind: 'manual', instructions }));
    expect(exec.kind).toBe('manual');
    expect(exec.plan(testContext())).toEqual({ instructions });
  });

  it('records who did it and returns the instructions', async () => {
    const exec = createManualExecutor(ManualExecutorConfigSchema.parse({ kind: 'manual', instructions }));
    expect(await exec.run(testContext({ actor: 'bob' }))).toEqual({
      outcome: 'succeeded',
      detail: 'done by bob',
      output: instructions,
    });
  });

  it('says "someone" without an actor and returns empty output without instructions', async () => {
    const exec = createManualExecutor(ManualExecutorConfigSchema.parse({ kind: 'manual' }));
    expect(exec.plan(testContext())).toEqual({ instructions: undefined });
    expect(await exec.run(testContext({ actor: null }))).toEqual({
      outcome: 'succeeded',
      detail: 'done by someone',
      output: '',
    });
  });

  it('refuses unknown fields', () => {
    expect(ManualExecutorConfigSchema.safeParse({ kind: 'manual', steps: [] }).success).toBe(false);
  });
});
