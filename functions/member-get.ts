import { getMemberView } from '../lib/cluster/members';
import { httpRoute } from '../lib/http/handler';
import { getMemberRoute } from '../lib/http/routes/cluster';

export const handler = httpRoute(getMemberRoute, ({ params }) => getMemberView(params.id));
