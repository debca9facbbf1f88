import { addSensuMember } from '../lib/cluster/sensu';
import { httpRoute } from '../lib/http/handler';
import { sensuAddMember } from '../lib/http/routes/sensu-cluster';

export const handler = httpRoute(sensuAddMember, ({ query, principal, requestId }) =>
  addSensuMember({ peerURLs: query['peer-addrs'], by: principal, requestId }),
);
