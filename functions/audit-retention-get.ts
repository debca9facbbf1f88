import { getRetention } from '../lib/audit/log';
import { httpRoute } from '../lib/http/handler';
import { getAuditRetention } from '../lib/http/routes/audit';

export const handler = httpRoute(getAuditRetention, () => getRetention());
