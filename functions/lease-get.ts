import { httpRoute } from '../lib/http/handler';
import { getLeaseRoute } from '../lib/http/routes/leases';
import { getLease } from '../lib/leases/use-cases';

export const handler = httpRoute(getLeaseRoute, ({ params }) => getLease(params.name));
