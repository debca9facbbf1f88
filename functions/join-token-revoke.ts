import { revokeJoinToken } from '../lib/cluster/join';
import { httpRoute } from '../lib/http/handler';
import { revokeJoinTokenRoute } from '../lib/http/routes/cluster';

export const handler = httpRoute(revokeJoinTokenRoute, ({ params, principal, requestId }) =>
  revokeJoinToken({ id: params.id, by: principal, requestId }),
);
