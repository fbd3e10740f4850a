import { backendLatency } from './scenarios';

const metrics = (counts: number[]) =>
  ['0.001', '0.002', '0.005', '0.01', '0.025', '+Inf'].map((le, i) => `mahavishnu_event_to_incident_seconds_bucket{le="${le}"} ${counts[i]}`).join('\n') +
  '\nmahavishnu_event_to_incident_seconds_count 0\n';

test("reads the backend's event->incident histogram between two scrapes", () => {
  // Before: 10 incidents, all within 1 ms. During the run: 200 more, 198 within 10 ms, 2 within 25 ms.
  const before = metrics([10, 10, 10, 10, 10, 10]);
  const after = metrics([60, 150, 190, 208, 210, 210]);
  expect(backendLatency(before, after)).toEqual({ incidents: 200, within10Ms: 0.99, p99AtMostMs: 10 });
  // One more past 10 ms and the 99th percentile is in the 25 ms bucket.
  expect(backendLatency(before, metrics([60, 150, 190, 207, 210, 210]))).toMatchObject({ within10Ms: 0.985, p99AtMostMs: 25 });
  expect(backendLatency(before, before)).toEqual({ incidents: 0, within10Ms: 0, p99AtMostMs: null });
});
