import { httpRoute } from '../lib/http/handler';
import { crdbHotRanges } from '../lib/http/routes/cockroach';
import { hotRanges } from '../lib/leases/ranges';

export const handler = httpRoute(crdbHotRanges, ({ query }) =>
  hotRanges({ nodeId: query.node_id, limit: query.limit, start: query.start }),
);
