import { httpRoute } from '../lib/http/handler';
import { putLease } from '../lib/http/routes/leases';
import { claimedNode } from '../lib/identity/node-credentials';
import { putLease as put } from '../lib/leases/use-cases';

export const handler = httpRoute(putLease, ({ params, body, principal }) =>
  put({ name: params.name, ...claimedNode(principal), ttlSeconds: body.ttlSeconds, fencingToken: body.fencingToken }),
);
