import { promoteMember as promote } from '../lib/cluster/members';
import { httpRoute } from '../lib/http/handler';
import { promoteMember } from '../lib/http/routes/cluster';

export const handler = httpRoute(promoteMember, ({ params, principal, requestId }) =>
  promote({ nodeId: params.id, by: principal, requestId }),
);
