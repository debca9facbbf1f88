import { listJoinTokens as list } from '../lib/cluster/join';
import { httpRoute } from '../lib/http/handler';
import { listJoinTokens } from '../lib/http/routes/cluster';

export const handler = httpRoute(listJoinTokens, () => list());
