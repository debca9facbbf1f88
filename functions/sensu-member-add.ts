import { addSensuMember } from '../lib/cluster/sensu';
import { httpRoute } from '../lib/http/handler';
import { sensuAddMemberRoute } from '../lib/http/routes/sensu-cluster';

export const handler = httpRoute(sensuAddMemberRoute, ({ query, principal, requestId }) =>
  addSensuMember({ peerURLs: query['peer-addrs'], by: principal, requestId }),
);
