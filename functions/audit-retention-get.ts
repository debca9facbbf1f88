import { getRetention } from '../lib/audit/log';
import { httpRoute } from '../lib/http/handler';
import { getAuditRetentionRoute } from '../lib/http/routes/audit';

export const handler = httpRoute(getAuditRetentionRoute, () => getRetention());
