import { actorOf } from '../lib/audit/audit';
import { resumeMember } from '../lib/drain/use-cases';
import { httpRoute } from '../lib/http/handler';
import { resumeMemberRoute } from '../lib/http/routes/drain';

export const handler = httpRoute(resumeMemberRoute, async ({ params, principal, requestId }) => {
  await resumeMember({ nodeId: params.id, caller: { actor: actorOf(principal), requestId } });
  return { message: 'Cluster member resumed' };
});
