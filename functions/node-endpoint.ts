import { dispatch } from '../lib/http/dispatch';
import { NODE_ENDPOINT_FN, nodeEndpointRoutes } from '../lib/http/node-endpoint';
import { handler as leasePut } from './lease-put';
import { handler as leaseRelease } from './lease-release';
import { handler as memberHeartbeat } from './member-heartbeat';

// The node endpoint wires the routes' own entry points: each stays the one handler of its route.
export const handler = dispatch(NODE_ENDPOINT_FN, nodeEndpointRoutes, {
  'member-heartbeat': memberHeartbeat,
  'lease-put': leasePut,
  'lease-release': leaseRelease,
});
