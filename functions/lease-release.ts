import { httpRoute } from '../lib/http/handler';
import { releaseLeaseRoute } from '../lib/http/routes/leases';
import { claimedNode } from '../lib/identity/node-credentials';
import { releaseLease } from '../lib/drain/lease-release';

export const handler = httpRoute(releaseLeaseRoute, async ({ params, query, principal, requestId }) => {
  await releaseLease({ name: params.name, ...claimedNode(principal), fencingToken: query.fencingToken, requestId });
  return { message: 'Lease released' };
});
