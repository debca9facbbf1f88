import { heartbeat as beat } from '../lib/cluster/heartbeat';
import { claimedNode } from '../lib/identity/node-credentials';
import { httpRoute } from '../lib/http/handler';
import { heartbeat } from '../lib/http/routes/cluster';

export const handler = httpRoute(heartbeat, ({ params, principal, requestId, body }) =>
  beat({ nodeId: params.id, caller: claimedNode(principal), requestId, machine: body }),
);
