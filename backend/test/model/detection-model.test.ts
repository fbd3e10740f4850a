import fc from 'fast-check';
import { TEST_STORE } from '../test-store';
import { EngineRunner, RETENTION_SECONDS, runModel } from './engine-runner';
import { inTimeOrder, orderScenario, scenario } from './scenario';

/**
 * The engine against the reference model (reference-detector.ts), on the store the run uses: random
 * rule sets, random event streams, random orders of arrival and splits into requests, with people
 * resolving incidents between requests. The engine's incidents (type, rule group, events,
 * components, final severity, whether still active) must be the model's.
 *
 * MAHAVISHNU_MODEL_RUNS sets the number of cases (`npm run test:model` runs 100,000);
 * MAHAVISHNU_MODEL_SEED replays a failing run.
 */
const RUNS = Number(process.env.MAHAVISHNU_MODEL_RUNS ?? 2000);
const SEED = process.env.MAHAVISHNU_MODEL_SEED ? Number(process.env.MAHAVISHNU_MODEL_SEED) : undefined;
/** A case takes about 10 ms on an idle core; a loaded machine is several times slower. */
const TIMEOUT_MS = Math.max(600_000, RUNS * 100);

let runner: EngineRunner;
beforeAll(async () => {
  runner = await EngineRunner.start();
});
afterAll(async () => {
  await runner?.close();
});

it(`opens the reference model's incidents for ${RUNS} random scenarios (${TEST_STORE})`, async () => {
  await fc.assert(
    fc.asyncProperty(scenario(24, RETENTION_SECONDS), async (s) => {
      const engine = await runner.run(s);
      expect(engine.outcomes).toEqual(runModel(s, engine.resolutions));
    }),
    { numRuns: RUNS, seed: SEED }
  );
}, TIMEOUT_MS);

it(`opens, for any order of arrival and split into requests, the incidents of the events in time order (${TEST_STORE})`, async () => {
  await fc.assert(
    fc.asyncProperty(orderScenario(24), async (s) => {
      const engine = await runner.run(s);
      expect(engine.outcomes).toEqual(runModel(inTimeOrder(s)));
    }),
    { numRuns: Math.ceil(RUNS / 4), seed: SEED }
  );
}, TIMEOUT_MS);
