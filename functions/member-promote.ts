import { promoteMember } from '../lib/cluster/members';
import { httpRoute } from '../lib/http/handler';
import { promoteMemberRoute } from '../lib/http/routes/cluster';

export const handler = httpRoute(promoteMemberRoute, ({ params, principal, requestId }) =>
  promoteMember({ nodeId: params.id, by: principal, requestId }),
);
