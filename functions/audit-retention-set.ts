import { actorOf } from '../lib/audit/audit';
import { setRetention } from '../lib/audit/log';
import { httpRoute } from '../lib/http/handler';
import { setAuditRetentionRoute } from '../lib/http/routes/audit';

export const handler = httpRoute(setAuditRetentionRoute, ({ body, principal, requestId }) =>
  setRetention(body.days, { actor: actorOf(principal), requestId }),
);
