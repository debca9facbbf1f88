import { sensuClusterId } from '../lib/cluster/sensu';
import { httpRoute } from '../lib/http/handler';
import { sensuClusterIdRoute } from '../lib/http/routes/sensu-cluster';

export const handler = httpRoute(sensuClusterIdRoute, () => sensuClusterId());
