import { listSensuMembers } from '../lib/cluster/sensu';
import { httpRoute } from '../lib/http/handler';
import { sensuListMembersRoute } from '../lib/http/routes/sensu-cluster';

export const handler = httpRoute(sensuListMembersRoute, () => listSensuMembers());
