import { httpRoute } from '../lib/http/handler';
import { releaseLease } from '../lib/http/routes/leases';
import { claimedNode } from '../lib/identity/node-credentials';
import { releaseLease as release } from '../lib/drain/lease-release';

export const handler = httpRoute(releaseLease, async ({ params, query, principal, requestId }) => {
  await release({ name: params.name, ...claimedNode(principal), fencingToken: query.fencingToken, requestId });
  return { message: 'Lease released' };
});
