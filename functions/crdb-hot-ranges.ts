import { paging } from '../lib/compat/cockroach';
import { httpRoute } from '../lib/http/handler';
import { crdbHotRanges } from '../lib/http/routes/cockroach';
import { hotRanges } from '../lib/leases/ranges';

export const handler = httpRoute(crdbHotRanges, ({ query }) => hotRanges({ nodeId: query.node_id, paging: paging(query) }));
