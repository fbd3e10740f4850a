import { startBackend } from './harness';

// Reliability item 23: nobody without a key makes the backend write without bound, limits hold per
// key and address and not only per declared source, and only Grafana's proxy keys name the person.

jest.setTimeout(120_000);

describe('approvals stand no longer than remediation.approval_ttl_seconds', () => {
  test('a longer expires_in_seconds is 400 naming the field and the maximum; the maximum itself is taken', async () => {
    const b = await startBackend({ remediation: { auto_remediation: false, approval_ttl_seconds: 600 } });
    try {
      const id = (await b.post('/api/v1/incidents', { title: 'Deadlocks', severity: 'high', incident_type: 'deadlock_detected' })).body.incident_id;
      const approve = (expires: number) => b.post('/api/v1/approvals', { incident_id: id, action_id: 'database_maintenance', approved_by: 'lena', expires_in_seconds: expires });
      const tooLong = await approve(601);
      expect(tooLong.status).toBe(400);
      expect(tooLong.body.error).toMatchObject({
        code: 'invalid_request',
        message: 'body.expires_in_seconds: at most 600 seconds (remediation.approval_ttl_seconds), got 601',
        details: [{ field: 'body.expires_in_seconds', message: 'at most 600 seconds (remediation.approval_ttl_seconds)' }],
      });
      expect((await b.get(`/api/v1/incidents/${id}/approvals`)).body).toEqual([]);
      const ok = await approve(600);
      expect(ok.status).toBe(201);
      expect(Date.parse(ok.body.expires_at) - Date.parse(ok.body.created_at)).toBe(600_000);
    } finally {
      await b.close();
    }
  });
});
