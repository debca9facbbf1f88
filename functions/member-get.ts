import { getMemberView } from '../lib/cluster/members';
import { httpRoute } from '../lib/http/handler';
import { getMember } from '../lib/http/routes/cluster';

export const handler = httpRoute(getMember, ({ params }) => getMemberView(params.id));
