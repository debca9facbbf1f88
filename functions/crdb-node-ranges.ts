import { paging, rangeIds } from '../lib/compat/cockroach';
import { httpRoute } from '../lib/http/handler';
import { crdbNodeRanges } from '../lib/http/routes/cockroach';
import { nodeRanges } from '../lib/leases/ranges';

export const handler = httpRoute(crdbNodeRanges, ({ params, query }) => nodeRanges(params.node_id, paging(query), rangeIds(query.ranges)));
