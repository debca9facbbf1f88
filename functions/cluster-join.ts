import { join } from '../lib/cluster/join';
import { httpRoute } from '../lib/http/handler';
import { joinClusterRoute } from '../lib/http/routes/cluster';

export const handler = httpRoute(joinClusterRoute, ({ body, headers, requestId }) =>
  join({ ...body, idempotencyKey: headers['idempotency-key'], requestId }),
);
