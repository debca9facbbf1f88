import { sensuClusterId as clusterId } from '../lib/cluster/sensu';
import { httpRoute } from '../lib/http/handler';
import { sensuClusterId } from '../lib/http/routes/sensu-cluster';

export const handler = httpRoute(sensuClusterId, () => clusterId());
