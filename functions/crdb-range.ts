import { httpRoute } from '../lib/http/handler';
import { crdbRange } from '../lib/http/routes/cockroach';
import { rangeById } from '../lib/leases/ranges';

export const handler = httpRoute(crdbRange, ({ params }) => rangeById(params.range_id));
