import { join } from '../lib/cluster/join';
import { httpRoute } from '../lib/http/handler';
import { joinCluster } from '../lib/http/routes/cluster';

export const handler = httpRoute(joinCluster, ({ body, headers, requestId }) =>
  join({ ...body, idempotencyKey: headers['idempotency-key'], requestId }),
);
