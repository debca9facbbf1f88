import * as z from '../../zod';
import { USERS } from '../../identity/principal';
import { USER_CREDENTIALS } from '../../identity/resolvers';
import { route } from '../route';
import { nodeId } from '../schemas';

/**
 * Paging values are read as CockroachDB reads them (lib/compat/cockroach `paging`): any
 * string is accepted here, and one that is no usable number is ignored, never a 400.
 */
const loose = z.optional(z.string());
const offsetPaging = z.object({ limit: loose, offset: loose });

export const crdbNodesRoute = route({
  fn: 'crdb-nodes',
  method: 'GET',
  path: '/api/v2/nodes',
  surface: 'crdb',
  access: USERS,
  credentials: USER_CREDENTIALS,
  store: 'read',
  status: 200,
  summary: 'CockroachDB listNodes: members as nodeStatus',
  query: offsetPaging,
  paging: 'limit and offset',
});

export const crdbNodeRangesRoute = route({
  fn: 'crdb-node-ranges',
  method: 'GET',
  path: '/api/v2/nodes/{node_id}/ranges',
  surface: 'crdb',
  access: USERS,
  credentials: USER_CREDENTIALS,
  store: 'read',
  status: 200,
  summary: 'CockroachDB listNodeRanges: the leases a member holds, as ranges (404 for a node that is no member)',
  params: z.strictObject({ node_id: nodeId }),
  query: z.extend(offsetPaging, { ranges: z.optional(z.string().check(z.maxLength(4096))) }),
});

export const crdbHotRangesRoute = route({
  fn: 'crdb-hot-ranges',
  method: 'GET',
  path: '/api/v2/ranges/hot',
  surface: 'crdb',
  access: USERS,
  credentials: USER_CREDENTIALS,
  store: 'read',
  status: 200,
  summary: 'CockroachDB listHotRanges: held leases by recent acquire and renew rate, in both spec shapes',
  query: z.object({ node_id: z.optional(nodeId), limit: loose, start: loose }),
});

export const crdbRangeRoute = route({
  fn: 'crdb-range',
  method: 'GET',
  path: '/api/v2/ranges/{range_id}',
  surface: 'crdb',
  access: USERS,
  credentials: USER_CREDENTIALS,
  store: 'read',
  status: 200,
  summary: 'CockroachDB listRange: one lease as a range, by its range id ({} when no range has it)',
  params: z.strictObject({ range_id: nodeId }),
});
