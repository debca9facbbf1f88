import * as z from '../../zod';
import { NODES, READERS } from '../../identity/principal';
import { NODE_CREDENTIAL, USER_OR_NODE_CREDENTIALS } from '../../identity/resolvers';
import { NODE_PATH_MEMORY_MB, route } from '../route';
import { intParam, leaseName, nodeId } from '../schemas';

const fencingToken = z.number().check(z.int(), z.minimum(0), z.maximum(Number.MAX_SAFE_INTEGER));

export const putLeaseRoute = route({
  fn: 'lease-put',
  method: 'PUT',
  path: '/api/v1/leases/{name}',
  surface: 'ella',
  access: NODES,
  credentials: NODE_CREDENTIAL,
  // The lease write itself checks the credential's hash: nothing is read first.
  nodeCredential: 'checked-in-write',
  memorySize: NODE_PATH_MEMORY_MB,
  store: 'write',
  status: 200,
  summary: "Acquire a free or expired lease, or renew the caller's own (node credentials only)",
  params: z.strictObject({ name: leaseName }),
  body: z.strictObject({ ttlSeconds: z.number().check(z.int(), z.minimum(1), z.maximum(3600)), fencingToken: z.optional(fencingToken) }),
});

export const releaseLeaseRoute = route({
  fn: 'lease-release',
  method: 'DELETE',
  path: '/api/v1/leases/{name}',
  surface: 'ella',
  access: NODES,
  credentials: NODE_CREDENTIAL,
  // The lease write itself checks the credential's hash: nothing is read first.
  nodeCredential: 'checked-in-write',
  memorySize: NODE_PATH_MEMORY_MB,
  store: 'write',
  status: 200,
  summary: 'Release a lease held by the caller, with its current fencing token',
  params: z.strictObject({ name: leaseName }),
  query: z.object({ fencingToken: intParam(0, Number.MAX_SAFE_INTEGER) }),
  bodyKind: 'none',
});

export const getLeaseRoute = route({
  fn: 'lease-get',
  method: 'GET',
  path: '/api/v1/leases/{name}',
  surface: 'ella',
  access: READERS,
  credentials: USER_OR_NODE_CREDENTIALS,
  store: 'read',
  status: 200,
  summary: 'One lease',
  params: z.strictObject({ name: leaseName }),
});

export const listLeasesRoute = route({
  fn: 'leases-list',
  method: 'GET',
  path: '/api/v1/leases',
  surface: 'ella',
  access: READERS,
  credentials: USER_OR_NODE_CREDENTIALS,
  store: 'read',
  status: 200,
  summary: 'Every lease by name (paged with limit and after), or the unexpired leases of one node (nodeId)',
  query: z.object({ nodeId: z.optional(nodeId), limit: z._default(intParam(1, 1000), 100), after: z.optional(leaseName) }),
});
