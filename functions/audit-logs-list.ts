import { listAuditLogs } from '../lib/audit/log';
import { httpRoute } from '../lib/http/handler';
import { listAuditLogsRoute } from '../lib/http/routes/audit';

export const handler = httpRoute(listAuditLogsRoute, ({ query }) =>
  listAuditLogs({
    page: query.page,
    perPage: query.per_page,
    ...(query.user !== undefined ? { user: query.user } : {}),
    ...(query.action !== undefined ? { action: query.action } : {}),
    ...(query.start !== undefined ? { start: query.start } : {}),
    ...(query.end !== undefined ? { end: query.end } : {}),
    ...(query.next !== undefined ? { next: query.next } : {}),
  }),
);
