import { revokeJoinToken as revoke } from '../lib/cluster/join';
import { httpRoute } from '../lib/http/handler';
import { revokeJoinToken } from '../lib/http/routes/cluster';

export const handler = httpRoute(revokeJoinToken, ({ params, principal, requestId }) =>
  revoke({ id: params.id, by: principal, requestId }),
);
