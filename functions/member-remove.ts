import { removeMember as remove } from '../lib/cluster/members';
import { httpRoute } from '../lib/http/handler';
import { removeMember } from '../lib/http/routes/cluster';

export const handler = httpRoute(removeMember, ({ params, query, principal, requestId }) =>
  remove({ nodeId: params.id, force: query.force, by: principal, requestId }),
);
