import { mintJoinToken } from '../lib/cluster/join';
import { httpRoute } from '../lib/http/handler';
import { createJoinTokenRoute } from '../lib/http/routes/cluster';

export const handler = httpRoute(createJoinTokenRoute, ({ body, principal, requestId }) =>
  mintJoinToken({ nodeId: body.nodeID, ttlSeconds: body.ttlSeconds, by: principal, requestId }),
);
