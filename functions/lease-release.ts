import { httpRoute } from '../lib/http/handler';
import { releaseLease } from '../lib/http/routes/leases';
import { callingNode } from '../lib/identity/principal';
import { releaseLease as release } from '../lib/leases/use-cases';

export const handler = httpRoute(releaseLease, async ({ params, query, principal, requestId }) => {
  await release({ name: params.name, nodeId: callingNode(principal), fencingToken: query.fencingToken, requestId });
  return { message: 'Lease released' };
});
