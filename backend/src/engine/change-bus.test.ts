import type { IncidentRecord } from '../domain/records';
import { ChangeBus, sseFrame, type IncidentChange } from './change-bus';

test('every stream writes the same frame of a change, serialized once', () => {
  const bus = new ChangeBus();
  const dto = jest.fn((inc: IncidentRecord) => ({ id: inc.incident_id, status: inc.status }));
  const written: string[][] = [[], [], []];
  const unsubscribe = written.map((frames) => bus.subscribe((change) => frames.push(sseFrame(change, dto))));
  const incident = { incident_id: 'inc_00001', status: 'detected' } as IncidentRecord;
  bus.publish({ type: 'incident_created', incident });
  incident.status = 'assessing';
  const update: IncidentChange = { type: 'incident_updated', incident };
  bus.publish(update);
  unsubscribe[2]();
  bus.publish(update);
  const created = 'event: incident_created\ndata: {"id":"inc_00001","status":"detected"}\n\n';
  const updated = 'event: incident_updated\ndata: {"id":"inc_00001","status":"assessing"}\n\n';
  expect(written).toEqual([[created, updated, updated], [created, updated, updated], [created, updated]]);
  expect(dto).toHaveBeenCalledTimes(2);
});
