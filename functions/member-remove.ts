import { removeMember } from '../lib/cluster/members';
import { httpRoute } from '../lib/http/handler';
import { removeMemberRoute } from '../lib/http/routes/cluster';

export const handler = httpRoute(removeMemberRoute, ({ params, query, principal, requestId }) =>
  removeMember({ nodeId: params.id, force: query.force, by: principal, requestId }),
);
