import { listJoinTokens } from '../lib/cluster/join';
import { httpRoute } from '../lib/http/handler';
import { listJoinTokensRoute } from '../lib/http/routes/cluster';

export const handler = httpRoute(listJoinTokensRoute, () => listJoinTokens());
