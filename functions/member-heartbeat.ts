import { heartbeat } from '../lib/cluster/heartbeat';
import { claimedNode } from '../lib/identity/node-credentials';
import { httpRoute } from '../lib/http/handler';
import { heartbeatRoute } from '../lib/http/routes/cluster';

export const handler = httpRoute(heartbeatRoute, ({ params, principal, requestId, body }) =>
  heartbeat({ nodeId: params.id, caller: claimedNode(principal), requestId, machine: body }),
);
