import { httpRoute } from '../lib/http/handler';
import { listLeasesRoute } from '../lib/http/routes/leases';
import { listLeases } from '../lib/leases/use-cases';

export const handler = httpRoute(listLeasesRoute, ({ query }) =>
  listLeases({ nodeId: query.nodeId, limit: query.limit, after: query.after }),
);
