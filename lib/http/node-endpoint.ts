import { heartbeatRoute } from './routes/cluster';
import { putLeaseRoute, releaseLeaseRoute } from './routes/leases';

/** The Lambda behind the optional node endpoint (a Function URL: `nodeEndpoint=true` at deploy). */
export const NODE_ENDPOINT_FN = 'node-endpoint';

/**
 * What a node calls on its steady path, and all the node endpoint serves: heartbeats and
 * lease acquire, renew and release. Joining, rotating a credential and every read stay on
 * the API. Each route keeps its own chain (the node credential checked in its one write).
 */
export const nodeEndpointRoutes = [heartbeatRoute, putLeaseRoute, releaseLeaseRoute] as const;
