import { httpRoute } from '../lib/http/handler';
import { putLeaseRoute } from '../lib/http/routes/leases';
import { claimedNode } from '../lib/identity/node-credentials';
import { putLease } from '../lib/leases/use-cases';

export const handler = httpRoute(putLeaseRoute, ({ params, body, principal }) =>
  putLease({ name: params.name, ...claimedNode(principal), ttlSeconds: body.ttlSeconds, fencingToken: body.fencingToken }),
);
