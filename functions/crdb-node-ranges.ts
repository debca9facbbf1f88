import { paging, rangeIds } from '../lib/compat/cockroach';
import { httpRoute } from '../lib/http/handler';
import { crdbNodeRangesRoute } from '../lib/http/routes/cockroach';
import { nodeRanges } from '../lib/leases/ranges';

export const handler = httpRoute(crdbNodeRangesRoute, ({ params, query }) =>
  nodeRanges(params.node_id, paging(query), rangeIds(query.ranges)),
);
