import type { Example } from './examples';

/** Valid requests for the audit log's routes (see ./examples). */
export const auditExamples: Record<string, Example> = {
  'audit-logs-list': { path: '/api/v1/logs/audit?page=1&per_page=10&user=admin%40roster.test&action=user.create' },
  'audit-retention-get': { path: '/api/v1/logs/audit/retention' },
  'audit-retention-set': { path: '/api/v1/logs/audit/retention', body: { days: 90 } },
};
