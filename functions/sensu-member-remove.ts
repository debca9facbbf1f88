import { removeSensuMember } from '../lib/cluster/sensu';
import { httpRoute } from '../lib/http/handler';
import { sensuRemoveMemberRoute } from '../lib/http/routes/sensu-cluster';

export const handler = httpRoute(sensuRemoveMemberRoute, ({ params, principal, requestId }) =>
  removeSensuMember({ id: params.id, by: principal, requestId }),
);
