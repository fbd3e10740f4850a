/** The investigation checklist (stage 3). */
export const INVESTIGATION_CHECKLIST = [
  'Review recent deployments',
  'Check system metrics (CPU, memory, disk)',
  'Analyze database performance',
  'Review application logs',
  'Check network connectivity',
  'Verify external dependencies',
  'Review rate limiting status',
] as const;

/** The recovery checklist (stage 5); the first and last are measured on the event stream. */
export const RECOVERY_CHECKLIST = [
  'Error rates back to normal',
  'Health checks passing',
  'Response times normal',
  'No user complaints',
  'Metrics stable for 5 minutes',
] as const;
