import { paging } from '../lib/compat/cockroach';
import { httpRoute } from '../lib/http/handler';
import { crdbHotRangesRoute } from '../lib/http/routes/cockroach';
import { hotRanges } from '../lib/leases/ranges';

export const handler = httpRoute(crdbHotRangesRoute, ({ query }) => hotRanges({ nodeId: query.node_id, paging: paging(query) }));
