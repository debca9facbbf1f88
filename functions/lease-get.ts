import { httpRoute } from '../lib/http/handler';
import { getLease } from '../lib/http/routes/leases';
import { getLease as get } from '../lib/leases/use-cases';

export const handler = httpRoute(getLease, ({ params }) => get(params.name));
