import { Environment } from '@marcbachmann/cel-js';

test('cel-js loads and evaluates under jest', () => {
  expect(new Environment().evaluate('1 + 2 == 3')).toBe(true);
});
