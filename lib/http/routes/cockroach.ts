import * as z from 'zod';
import { USERS } from '../../identity/principal';
import { route } from '../route';
import { intParam, nodeId } from '../schemas';

const paging = { limit: intParam(1, 1000).default(100), offset: intParam(0, 1_000_000_000).default(0) };

export const crdbNodes = route({
  fn: 'crdb-nodes',
  method: 'GET',
  path: '/api/v2/nodes',
  surface: 'crdb',
  access: USERS,
  store: 'read',
  status: 200,
  summary: 'CockroachDB listNodes: members as nodeStatus',
  query: z.object(paging),
});

export const crdbNodeRanges = route({
  fn: 'crdb-node-ranges',
  method: 'GET',
  path: '/api/v2/nodes/{node_id}/ranges',
  surface: 'crdb',
  access: USERS,
  store: 'read',
  status: 200,
  summary: 'CockroachDB listNodeRanges: the leases a member holds, as ranges',
  params: z.strictObject({ node_id: nodeId }),
  query: z.object(paging),
});

export const crdbHotRanges = route({
  fn: 'crdb-hot-ranges',
  method: 'GET',
  path: '/api/v2/ranges/hot',
  surface: 'crdb',
  access: USERS,
  store: 'read',
  status: 200,
  summary: 'CockroachDB listHotRanges: held leases by recent acquire and renew rate',
  query: z.object({ node_id: nodeId.optional(), limit: intParam(1, 1000).default(100), start: intParam(0, 1_000_000_000).default(0) }),
});

export const crdbRange = route({
  fn: 'crdb-range',
  method: 'GET',
  path: '/api/v2/ranges/{range_id}',
  surface: 'crdb',
  access: USERS,
  store: 'read',
  status: 200,
  summary: 'CockroachDB listRange: one lease as a range, by its range id',
  params: z.strictObject({ range_id: nodeId }),
});
