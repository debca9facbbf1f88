import { actorOf } from '../lib/audit/audit';
import { startDrain } from '../lib/drain/use-cases';
import { httpRoute } from '../lib/http/handler';
import { drainMemberRoute } from '../lib/http/routes/drain';

export const handler = httpRoute(drainMemberRoute, ({ params, query, body, principal, requestId }) =>
  startDrain({
    nodeId: params.id,
    deadlineSeconds: body.deadlineSeconds,
    force: query.force,
    caller: { actor: actorOf(principal), requestId },
  }),
);
