import { httpRoute } from '../lib/http/handler';
import { putLease } from '../lib/http/routes/leases';
import { callingNode } from '../lib/identity/principal';
import { putLease as put } from '../lib/leases/use-cases';

export const handler = httpRoute(putLease, ({ params, body, principal }) =>
  put({ name: params.name, nodeId: callingNode(principal), ttlSeconds: body.ttlSeconds, fencingToken: body.fencingToken }),
);
