import { httpRoute } from '../lib/http/handler';
import { listLeases } from '../lib/http/routes/leases';
import { listLeases as list } from '../lib/leases/use-cases';

export const handler = httpRoute(listLeases, ({ query }) => list({ nodeId: query.nodeId, limit: query.limit, after: query.after }));
