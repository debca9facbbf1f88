import { updateSensuMember } from '../lib/cluster/sensu';
import { httpRoute } from '../lib/http/handler';
import { sensuUpdateMemberRoute } from '../lib/http/routes/sensu-cluster';

export const handler = httpRoute(sensuUpdateMemberRoute, ({ params, query, principal, requestId }) =>
  updateSensuMember({ id: params.id, peerURLs: query['peer-addrs'], by: principal, requestId }),
);
