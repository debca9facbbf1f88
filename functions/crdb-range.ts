import { httpRoute } from '../lib/http/handler';
import { crdbRangeRoute } from '../lib/http/routes/cockroach';
import { rangeById } from '../lib/leases/ranges';

export const handler = httpRoute(crdbRangeRoute, ({ params }) => rangeById(params.range_id));
